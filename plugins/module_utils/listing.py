# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pager of the HTTP core: every page of a listing of the API, and the bounds that make every listing end.

It knows the API's paging (limit, offset, count) and nothing of what is listed: what a page holds is read and
checked by the read_page it is given (server_data.page_reader). client.NodeumClient.paginate runs it over its GETs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError

# How many items one list request asks for. Servers may serve fewer (a page cap); the pager then
# goes on from where the page ended, so this only has to be at least as large as the server's cap.
PAGE_REQUEST_SIZE = 1000

# The most items one listing may hold (after its offset, within its limit): a listing that announces more, or
# whose pages go on past it, fails rather than filling the memory of the host.
MAX_LISTED_ITEMS = 100000

# One page of a listing, as the read_page given to read_listing() returns it: its items (each a mapping with an id
# that can be compared, checked by read_page), and the server's count of matches, None when the answer has none.
ListPage = namedtuple('ListPage', 'items count')


def read_listing(get, where, path, read_page, params=None, limit=None, offset=0):
    """Fetch list pages until `count` items (or `limit`) are held; only an empty page ends early.

    get(path, params) sends one GET and returns its decoded answer; where names the request in sentences
    ('GET https://host/api/v2/tasks'). read_page(answer) turns each answer into a ListPage, checking it. A short page
    does not mean the end: servers may cap page sizes below what was asked. An item already held is not held twice.
    The listing fails in one sentence when it announces more than MAX_LISTED_ITEMS, when a page holds no item
    not held already, and when the pages go on past what `count` announced: so it always ends.
    Returns (items, count) where count is the server's number of matches before paging.
    """
    params = dict(params or {})
    items, held = [], set()
    read = 0  # the positions read, repeated items included: where the next page starts, after offset
    while limit is None or len(items) < limit:
        wanted = PAGE_REQUEST_SIZE if limit is None else min(PAGE_REQUEST_SIZE, limit - len(items))
        page = read_page(get(path, dict(params, limit=wanted, offset=offset + read)))
        # without a count, the page is all there is
        count = offset + read + len(page.items) if page.count is None else page.count
        _check_listing(where, path, count, offset, limit, offset + read + len(page.items) if page.items else 0)
        fresh = _fresh_items(page.items, held)
        if page.items and not fresh:
            raise NodeumError('The Nodeum API answered %s (offset %d) with a page that holds only items it '
                              'listed already, so reading the listing was stopped; run the task again, and if it '
                              'happens again check that url points to a Nodeum server.'
                              % (where, offset + read), method='GET', path=path)
        items.extend(fresh)
        read += len(page.items)
        if not page.items or offset + read >= count:
            break
    return items, count


def _check_listing(where, path, count, offset, limit, reached):
    """Raise the sentence of a listing too long to read (past MAX_LISTED_ITEMS after offset, within limit) or whose
    pages go on past its count; reached: the position after the last item of the page just read, 0 for no item."""
    to_hold = count - offset if limit is None else min(limit, count - offset)
    if to_hold > MAX_LISTED_ITEMS:
        raise NodeumError('The Nodeum API announced %d items for %s, more than the %d this collection reads of one '
                          'listing; check that url points to a Nodeum server.'
                          % (count, where, MAX_LISTED_ITEMS), method='GET', path=path)
    if reached > count:
        raise NodeumError('The Nodeum API listed more items for %s than the %d its count announced, so reading the '
                          'listing was stopped; check that url points to a Nodeum server.'
                          % (where, count), method='GET', path=path)


def _fresh_items(page_items, held):
    """The items of a page whose ids are not in held, in order (each once), added to held."""
    fresh = []
    for item in page_items:
        if item['id'] not in held:
            held.add(item['id'])
            fresh.append(item)
    return fresh
