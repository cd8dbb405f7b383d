# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP core of the Nodeum REST API v2: the session, retries, paging, decoding and status errors.

It knows HTTP and the API's conventions (paths, paging, errors, scopes), nothing of Ansible nor of a
resource's protocol: plain arguments in, plain data out, and NodeumError, one sentence a user can
act on. It resends only what is safe to resend: a POST whose answer may be lost raises
PostNotConfirmed, and the caller, which knows what the POST makes, decides. Its settings come checked
(connection_options.py); transport_failures.py words the failures of an exchange; listing.py reads the pages of a
listing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import time
import warnings

from collections import namedtuple
from http.client import HTTPException

from urllib.parse import quote, urlsplit

from ansible_collections.nodeum.data_archiving.plugins.module_utils.answers import (
    body_start, is_json, not_json_error, retry_after, status_error, too_deep_error,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.listing import read_listing
from ansible_collections.nodeum.data_archiving.plugins.module_utils.request_bounds import (
    MAX_ANSWER_BYTES, Watchdog, WatchedAdapter, bounded_body, bytes_text,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.transport_failures import (
    FAILURE_HEADS, FAILURE_SHORT, GIVE_UP_ADVICE, NOT_SENT_KINDS, TLS_PROBE_SECONDS, plain_http_sentence,
    redirect_sentence, seconds_text, speaks_tls, tls_sentence, transport_failure_kind,
)

try:
    import requests
    from urllib3 import exceptions as urllib3_errors  # requests' own transport: always there with it
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as import_error:  # the modules turn this into missing_required_lib
    requests = urllib3_errors = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error

API_ROOT = '/api/v2'

# The retry budget of one request: at most 4 attempts, waiting 0.5 s, 1 s, then 2 s (or what the
# server asks in Retry-After, up to the cap), and no new attempt once RETRY_DEADLINE_SECONDS have
# passed since the first began. An attempt still under way RETRY_DEADLINE_SECONDS plus one timeout after the first
# began is cut off (request_bounds.Watchdog), so a request gives up at the latest then; a refused connection fails
# after 3.5 s of waits. See docs/reliability.md for what each kind of failure guarantees.
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = (0.5, 1.0, 2.0)
RETRY_DEADLINE_SECONDS = 30.0
MAX_RETRY_AFTER_SECONDS = 30.0
RETRYABLE_STATUSES = (429, 502, 503, 504)

# Requests the modules send at once over the one session, and the connections the session keeps open
# for them, so that none waits for, or reopens, a connection: enough to hide the round trip, few
# enough not to crowd the server.
MAX_CONCURRENT_REQUESTS = 8

# Where a request stands in its retry budget. started: the clock when its first attempt began;
# attempt: the number of the attempt to make next; maybe_handled: whether an earlier attempt may
# have reached the server; note: the retry warning to give when the next attempt is made.
RetryBudget = namedtuple('RetryBudget', 'started attempt maybe_handled note')


class PostNotConfirmed(NodeumError):
    """A POST that got no answer the client can trust, and that the client does not send again.

    reason: the NodeumError of the last attempt (a transport failure, or a 502, 503 or 504 answer);
    may_have_been_handled: False only when no attempt can have reached the server;
    check_after: how long to let the server finish before reading whether the POST took effect,
    None when the last attempt cannot have reached it (nothing to read for);
    resume: the RetryBudget to pass to post() to send it again, None when the budget is spent;
    attempts and elapsed: the attempts made and the seconds since the first began.
    """

    def __init__(self, reason, kind, may_have_been_handled, check_after, resume, attempts, elapsed):
        self.reason = reason
        self.kind = kind
        self.may_have_been_handled = may_have_been_handled
        self.check_after = check_after
        self.resume = resume
        self.attempts = attempts
        self.elapsed = elapsed
        advice = (
            'the server may have acted on it, so it was not sent again'
            if may_have_been_handled
            else GIVE_UP_ADVICE.get(kind)
        )
        super().__init__(self.given_up(advice).message, method='POST', path=reason.path)

    def given_up(self, advice, waited=0.0):
        """The error that ends the POST: what happened, the attempts and seconds (with waited, spent after
        the last attempt), and advice; after an answer, the server's own sentence."""
        if self.kind is None:
            return self.reason
        tried = ' (%d attempts in %s s)' % (self.attempts, seconds_text(
            self.elapsed + waited)) if self.attempts > 1 else ''
        return NodeumError('%s%s; %s.' % (self.reason.message, tried, advice), method='POST', path=self.reason.path)


def api_path(*segments):
    """Join path segments under the API root, percent-encoding each one (a task name may hold '/')."""
    return '/'.join(quote(str(segment), safe='') for segment in segments)


def sort_by_param(sort_by, sortable):
    """The API's sort_by value ('type|id:desc') from entries such as 'type' and 'id:desc', or NodeumError naming the
    first entry that is not one of the sortable attributes, optionally followed by :asc or :desc."""
    for entry in sort_by:
        if not re.match(r'^(%s)(:(asc|desc))?$' % '|'.join(re.escape(name) for name in sortable), entry or ''):
            raise NodeumError('sort_by entry %r is not one of %s, optionally followed by :asc or :desc.'
                              % (entry, ', '.join(sortable)))
    return '|'.join(sort_by)


def quiet_unverified_warning(host):
    """Silence urllib3's InsecureRequestWarning for requests to this host.

    The user chose validate_certs false, and the modules say so once through Ansible's warnings;
    urllib3's own would reach the controller as stray standard error. A filter on the message that
    names this host, rather than catch_warnings(): that one swaps the process's filters and back,
    which is not safe while the bulk module's threads send requests.
    """
    warnings.filterwarnings('ignore', message="Unverified HTTPS request is being made to host '%s'" % re.escape(host),
                            category=urllib3_errors.InsecureRequestWarning)


class NodeumClient:
    """One session to one Nodeum server: authentication, retries, paging and error mapping."""

    def __init__(self, base_url, warn, auth=None, authorization=None, verify=True, timeout=30.0, sleep=time.sleep,
                 clock=time.monotonic, pool_maxsize=MAX_CONCURRENT_REQUESTS, tls_probe=speaks_tls,
                 retry_deadline=RETRY_DEADLINE_SECONDS, answer_limit=MAX_ANSWER_BYTES):
        """base_url ('.../api/v2'), verify (True, False or a CA bundle) and timeout: as client_from_params checks them.

        warn(sentence) is given each retry warning; auth is a (username, password) pair for Basic;
        authorization a ready Authorization header value;
        pool_maxsize the connections the session keeps open; sleep and clock the waits and the time of the
        retry budget; tls_probe(host, port, timeout) whether a port speaks TLS; retry_deadline and answer_limit:
        RETRY_DEADLINE_SECONDS and MAX_ANSWER_BYTES (tests pass their own).
        """
        self.base_url = base_url
        self.timeout = timeout
        self._retry_deadline = retry_deadline
        self._answer_limit = answer_limit
        self._watchdog = Watchdog()
        self._warn = warn
        self._sleep = sleep
        self._clock = clock
        self._tls_probe = tls_probe
        self._session = _RedirectsRefusedSession()
        for prefix in ('https://', 'http://'):
            self._session.mount(prefix, WatchedAdapter(self._watchdog, pool_maxsize=pool_maxsize))
        self._session.headers.update({'Accept': 'application/json'})
        if auth:
            self._session.auth = auth
        if authorization:
            self._session.headers['Authorization'] = authorization
        # Passed with every request: a session-level setting would lose to REQUESTS_CA_BUNDLE,
        # and validate_certs=false or ca_path must mean what they say. Proxies from the
        # environment still apply.
        self._verify = verify
        if verify is False:
            quiet_unverified_warning(urlsplit(base_url).hostname)

    def close(self):
        self._session.close()

    # -- the operations the resource logic uses ------------------------------------------------

    def get(self, path, params=None):
        return self.request('GET', path, params=params)

    def post(self, path, body, resume=None):
        """POST is never resent after an answer that may be lost: PostNotConfirmed says so, and
        resume (its RetryBudget) sends it again within the same budget."""
        return self.request('POST', path, body=body, resume=resume)

    def put(self, path, body):
        return self.request('PUT', path, body=body)

    def delete(self, path):
        return self.request('DELETE', path)

    def paginate(self, path, read_page, params=None, limit=None, offset=0):
        """Every page of the listing of path, bounded: listing.read_listing over this session's GETs."""
        return read_listing(self.get, self._describe('GET', path), path, read_page, params=params, limit=limit,
                            offset=offset)

    # -- the HTTP exchange ----------------------------------------------------------------------

    def request(self, method, path, params=None, body=None, resume=None):
        """Send one request within the retry budget; return the decoded JSON (None on 204).

        What is retried follows what the server may have done: a request that never left is sent
        again whatever its method; one whose answer was lost is sent again if it is a GET, PUT or
        DELETE, and a POST never (PostNotConfirmed). resume: the RetryBudget a POST goes on with.
        """
        budget = resume or RetryBudget(self._clock(), 1, False, None)
        while True:
            if budget.note:
                self._warn(budget.note)
            try:
                return self._exchange(method, path, params, body, budget.started)
            except _TransientFailure as failure:
                budget = self._after_failure(method, path, failure, budget)

    def _after_failure(self, method, path, failure, budget):
        """The budget of the next attempt, after its wait; or the error that ends the request."""
        if budget.attempt == 1 and failure.kind in ('closed', 'garbled'):
            self._refuse_plain_http_to_tls(method, path)
        maybe_handled = budget.maybe_handled or failure.maybe_handled
        delay = self._retry_delay(method, path, failure, budget.attempt)
        last = budget.attempt >= MAX_ATTEMPTS or self._clock() - budget.started + delay > self._retry_deadline
        if method == 'POST' and (failure.maybe_handled or (last and failure.kind)):
            raise self._post_not_confirmed(failure, budget, maybe_handled, delay, last) from None
        if last:
            raise self._give_up(method, path, failure, budget) from None
        self._sleep(delay)
        return RetryBudget(
            budget.started, budget.attempt + 1, maybe_handled, self._retry_note(method, path, failure, budget, delay)
        )

    def _post_not_confirmed(self, failure, budget, maybe_handled, delay, last):
        """A POST that may have reached the server is not sent again here: the caller reads first, waiting
        check_after, and then resends at once with resume."""
        check_after = None
        if failure.maybe_handled:
            # after no answer within the timeout, the server may still be working on it: give it as long again
            check_after = delay + self.timeout if failure.kind == 'no answer' else delay
        resume = (
            None
            if last
            else RetryBudget(
                budget.started,
                budget.attempt + 1,
                maybe_handled,
                self._retry_note('POST', failure.error.path, failure, budget, check_after),
            )
        )
        return PostNotConfirmed(failure.error, failure.kind, maybe_handled, check_after, resume, budget.attempt,
                                self._clock() - budget.started)

    def _retry_note(self, method, path, failure, budget, waited):
        return ('Retried %s after %s (attempt %d of %d, waited %s s).'
                % (self._describe(method, path), failure.short, budget.attempt + 1, MAX_ATTEMPTS, seconds_text(waited)))

    def _exchange(self, method, path, params, body, started):
        response = self._send(method, path, params, body, started)
        if response.status_code in RETRYABLE_STATUSES:
            # 429 says the server did not handle the request; a 502, 503 or 504 may come from a proxy after the server
            # did.
            raise _TransientFailure(
                status_error(method, path, self._describe(method, path), response),
                maybe_handled=response.status_code != 429,
                short='status %s' % response.status_code,
                retry_after=retry_after(response),
            )
        if 300 <= response.status_code < 400:
            sentence = redirect_sentence(self._describe(method, path), self.base_url, response.status_code,
                                         response.headers.get('Location'))
            raise NodeumError(sentence, status=response.status_code, method=method, path=path)
        # how some servers answer plain HTTP on their HTTPS port
        if response.status_code == 400 and not is_json(response):
            self._refuse_plain_http_to_tls(method, path)
        return self._decode(method, path, response)

    def _refuse_plain_http_to_tls(self, method, path):
        """Raise the sentence that says to use https:// when url is http:// and its port speaks TLS; else return."""
        parts = urlsplit(self.base_url)
        if parts.scheme == 'http' and self._tls_probe(
            parts.hostname, parts.port or 80, min(self.timeout, TLS_PROBE_SECONDS)
        ):
            raise NodeumError(plain_http_sentence(
                self.base_url, self._describe(method, path)), method=method, path=path)

    def _send(self, method, path, params, body, started):
        """One attempt: the answer with its body read, cut off when the request has taken retry_deadline plus one
        timeout since it began (started); redirects are never followed: a 3xx fails in _exchange, so nothing goes
        where url does not point."""
        watch = self._watchdog.begin(self._retry_deadline + self.timeout - (self._clock() - started))
        try:
            response = self._session.request(method, self.base_url + '/' + path, params=params, json=body,
                                             timeout=self.timeout, verify=self._verify, allow_redirects=False,
                                             stream=True)
            content = bounded_body(response, self._answer_limit)
        except (requests.exceptions.RequestException, urllib3_errors.HTTPError, HTTPException, OSError) as exc:
            raise self._failure_of_attempt(method, path, exc, watch.cut) from None
        finally:
            self._watchdog.end(watch)
        response.close()  # read whole or not at all: the connection goes back to the pool, or is dropped
        if watch.cut:  # what came before the cut may look whole: headers that ended, a body read to its end
            raise self._transport_failure(method, path, 'deadline')
        if content is None:
            raise NodeumError('The Nodeum API answered %s with more than %s, more than this collection reads of '
                              'one answer; check that url points to the Nodeum server.'
                              % (self._describe(method, path), bytes_text(self._answer_limit)),
                              status=response.status_code, method=method, path=path)
        response._content = content  # pylint: disable=protected-access  # requests' own: .json() and .text read it
        return response

    def _failure_of_attempt(self, method, path, exc, cut):
        """The error of an attempt that raised exc; cut: whether the deadline of the request cut it off."""
        if cut:
            return self._transport_failure(method, path, 'deadline')
        if isinstance(exc, requests.exceptions.SSLError):
            return NodeumError(tls_sentence(exc, self.base_url, self._describe(method, path)), method=method, path=path)
        kind = transport_failure_kind(exc)
        if kind is None:
            return NodeumError('The request %s failed before any answer came (%s); check url and the connection '
                               'options.' % (self._describe(method, path), type(exc).__name__),
                               method=method, path=path)
        return self._transport_failure(method, path, kind)

    def _transport_failure(self, method, path, kind, detail=''):
        head = FAILURE_HEADS[kind].format(where=self._describe(method, path), timeout=seconds_text(self.timeout),
                                          host=urlsplit(self.base_url).hostname, detail=detail,
                                          deadline=seconds_text(self._retry_deadline + self.timeout),
                                          retries=seconds_text(self._retry_deadline))
        return _TransientFailure(NodeumError(head, method=method, path=path), maybe_handled=kind not in NOT_SENT_KINDS,
                                 short=FAILURE_SHORT[kind].format(timeout=seconds_text(self.timeout)), kind=kind)

    def _retry_delay(self, method, path, failure, attempt):
        delay = BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)]
        if failure.retry_after is not None:
            if failure.retry_after > MAX_RETRY_AFTER_SECONDS:
                raise NodeumError('The Nodeum API asked to wait %s seconds before retrying %s, longer than the %s '
                                  'seconds this '
                                  'collection waits at most; run the task again later.'
                                  % (seconds_text(failure.retry_after), self._describe(method, path),
                                     seconds_text(MAX_RETRY_AFTER_SECONDS)),
                                  status=failure.error.status, method=method, path=path)
            delay = max(delay, failure.retry_after)
        return delay

    def _give_up(self, method, path, failure, budget):
        """The error of a request whose retry budget is spent: the last failure, and what it means for the user."""
        if failure.kind is None:
            return failure.error  # a status: its sentence is the server's own
        attempts = budget.attempt
        tried = ' (%d attempts in %s s)' % (attempts, seconds_text(
            self._clock() - budget.started)) if attempts > 1 else ''
        return NodeumError(
            '%s%s; %s.' % (failure.error.message, tried, GIVE_UP_ADVICE[failure.kind]), method=method, path=path
        )

    def _decode(self, method, path, response):
        if response.status_code >= 400:
            raise status_error(method, path, self._describe(method, path), response)
        # A removal that succeeded is done whatever its body says: it is not read.
        if method == 'DELETE' or response.status_code == 204 or not response.content:
            return None
        return self._json(method, path, response)

    def _json(self, method, path, response):
        try:
            return response.json()
        except RecursionError:
            raise too_deep_error(method, path, self._describe(method, path), response) from None
        except ValueError:
            if is_json(response):  # the server said JSON: the bytes were damaged on the way
                raise self._transport_failure(method, path, 'garbled json', detail=body_start(response)) from None
            raise not_json_error(method, path, self._describe(method, path), response) from None

    def _describe(self, method, path):
        return '%s %s/%s' % (method, self.base_url, path)


class _RedirectsRefusedSession(requests.Session if requests else object):
    """A requests Session that never works out where a redirect goes: the client refuses every 3xx itself, from its
    status and raw Location (_exchange), and requests' own reading of a Location that is not UTF-8 would raise."""

    def get_redirect_target(self, resp):
        return None


class _TransientFailure(Exception):
    """A failure after which the request may be tried again: a transport failure or a 429, 502, 503 or 504."""

    def __init__(self, error, maybe_handled, short, retry_after=None, kind=None):
        super().__init__(error.message)
        self.error = error
        self.maybe_handled = maybe_handled  # False only when the server cannot have acted on the request
        self.short = short  # what went wrong, in a few words, for the retry warning
        self.retry_after = retry_after
        self.kind = kind  # the transport failure kind (transport_failures.FAILURE_HEADS), None for a status
