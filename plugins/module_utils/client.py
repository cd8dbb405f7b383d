# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport client for the Nodeum REST API v2.

This layer knows HTTP and the API's conventions (paths, paging, errors, scopes) and nothing of
Ansible: it takes plain arguments, returns plain data and raises NodeumError, whose text is one
sentence a user can act on. The modules and the action plugins both build on it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import time

from urllib.parse import quote, urlsplit, urlunsplit

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as import_error:  # the modules turn this into missing_required_lib
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error

API_ROOT = '/api/v2'

# How many items one list request asks for. Servers may serve fewer (a page cap); the pager then
# goes on from where the page ended, so this only has to be at least as large as the server's cap.
PAGE_REQUEST_SIZE = 1000

# Retries of requests that are safe to repeat: 4 attempts in all, waiting 0.5 s, 1 s, then 2 s,
# unless the server says how long to wait (Retry-After), which is honoured up to the cap.
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = (0.5, 1.0, 2.0)
MAX_RETRY_AFTER_SECONDS = 30.0
RETRYABLE_STATUSES = (429, 502, 503, 504)

# Connections the session keeps open to the server: as many as requests may be in flight at once
# (the bulk logic sends at most this many), so that none waits for, or reopens, a connection.
POOL_MAXSIZE = 8
BODY_QUOTE_LENGTH = 120

# The API key scope each operation needs, as the API reference names them.
_SCOPES = (
    ('GET', re.compile(r'^tasks/[^/]+/task_callbacks$'), 'task_callbacks/index'),
    ('POST', re.compile(r'^tasks/[^/]+/task_callbacks$'), 'task_callbacks/create'),
    ('GET', re.compile(r'^tasks/[^/]+/task_callbacks/[^/]+$'), 'task_callbacks/show'),
    ('PUT', re.compile(r'^tasks/[^/]+/task_callbacks/[^/]+$'), 'task_callbacks/update'),
    ('DELETE', re.compile(r'^tasks/[^/]+/task_callbacks/[^/]+$'), 'task_callbacks/destroy'),
    ('GET', re.compile(r'^tasks$'), 'tasks/index'),
    ('GET', re.compile(r'^tasks/[^/]+$'), 'tasks/show'),
)


class NodeumError(Exception):
    """The one error type of the collection: its text is the sentence shown to the user."""

    def __init__(self, message, status=None, method=None, path=None, messages=None, details=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.messages = list(messages or [])
        self.details = details or {}


class NodeumNotFound(NodeumError):
    """A 404: the resource logic knows what was missing and says it in its own words."""


def api_path(*segments):
    """Join path segments under the API root, percent-encoding each one (a task name may hold '/')."""
    return '/'.join(quote(str(segment), safe='') for segment in segments)


def required_scope(method, path):
    """Name the API key scope an operation needs, or None for a path the table does not know."""
    for scope_method, pattern, scope in _SCOPES:
        if method == scope_method and pattern.match(path):
            return scope
    return None


def normalize_base_url(url):
    """Return the API base URL ('.../api/v2') or raise NodeumError on a URL that cannot work."""
    if not url or not isinstance(url, str):
        raise NodeumError('The Nodeum url is not set; give the url option or set NODEUM_URL, for example https://nodeum.example.com.')
    try:
        parts = urlsplit(url.strip())
        usable = parts.scheme in ('http', 'https') and bool(parts.hostname) and parts.port != 0
    except ValueError:  # an unclosed '[', a port that is no number, characters that NFKC normalisation changes
        usable = False
    if not usable:
        raise NodeumError('The Nodeum url %r is not an http:// or https:// URL with a host; give the server root, for example https://nodeum.example.com.'
                          % _without_userinfo(url))
    if parts.username or parts.password:
        raise NodeumError('The Nodeum url holds credentials; remove them from the URL and use username and password instead.')
    path = parts.path.rstrip('/')
    if not path.endswith(API_ROOT):
        path += API_ROOT
    return urlunsplit((parts.scheme, parts.netloc, path, '', ''))


def _without_userinfo(url):
    """Drop any user:password@ part so that an error message never repeats a credential."""
    return re.sub(r'//[^/@]*@', '//', str(url))


class NodeumClient:
    """One session to one Nodeum server: authentication, retries, paging and error mapping."""

    def __init__(self, url, auth=None, authorization=None, validate_certs=True, ca_path=None, timeout=30.0, sleep=time.sleep,
                 pool_maxsize=POOL_MAXSIZE):
        """auth is a (username, password) pair for Basic; authorization a ready Authorization header value."""
        self.base_url = normalize_base_url(url)
        self.timeout = float(timeout)
        self.warnings = []
        self._sleep = sleep
        self._session = requests.Session()
        for prefix in ('https://', 'http://'):
            self._session.mount(prefix, requests.adapters.HTTPAdapter(pool_maxsize=pool_maxsize))
        self._session.headers.update({'Accept': 'application/json'})
        if auth:
            self._session.auth = auth
        if authorization:
            self._session.headers['Authorization'] = authorization
        # Passed with every request: a session-level setting would lose to REQUESTS_CA_BUNDLE,
        # and validate_certs=false or ca_path must mean what they say. Proxies from the
        # environment still apply.
        self._verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)

    def close(self):
        self._session.close()

    def wait(self, seconds):
        """Pause the run (with the sleep function the client was given, so that tests need not wait)."""
        self._sleep(seconds)

    # -- the operations the resource logic uses ------------------------------------------------

    def get(self, path, params=None):
        return self.request('GET', path, params=params)

    def post(self, path, body, landed=None):
        """POST is never resent blindly: after a lost or refused answer, landed() tells whether
        the write took effect (returning what it created) before another attempt is made."""
        return self.request('POST', path, body=body, landed=landed)

    def put(self, path, body):
        return self.request('PUT', path, body=body)

    def delete(self, path):
        return self.request('DELETE', path)

    def paginate(self, path, items_key, params=None, limit=None, offset=0):
        """Fetch list pages until `count` items (or `limit`) are held; only an empty page ends early.

        A short page does not mean the end: servers may cap page sizes below what was asked.
        Returns (items, count) where count is the server's number of matches before paging.
        """
        params = dict(params or {})
        items = []
        count = 0
        while limit is None or len(items) < limit:
            wanted = PAGE_REQUEST_SIZE if limit is None else min(PAGE_REQUEST_SIZE, limit - len(items))
            page_params = dict(params, limit=wanted, offset=offset + len(items))
            answer = self.get(path, page_params)
            page, count = _list_page(answer, items_key, self._describe('GET', path))
            if not page:
                break
            items.extend(page)
            if offset + len(items) >= count:
                break
        return items, count

    # -- the HTTP exchange ----------------------------------------------------------------------

    def request(self, method, path, params=None, body=None, landed=None):
        """Send one request with retries where they are safe; return the decoded JSON (None on 204)."""
        attempt = 1
        while True:
            try:
                response = self._send(method, path, params, body)
            except _TransientFailure as failure:
                if attempt >= MAX_ATTEMPTS:
                    raise failure.error from None
                if method == 'POST' and not failure.refused:
                    created = self._post_landed(landed, failure)
                    if created is not None:
                        return created
                self._wait_before_retry(method, path, failure, attempt)
                attempt += 1
                continue
            return self._decode(method, path, response)

    def _send(self, method, path, params, body):
        url = self.base_url + '/' + path
        try:
            response = self._session.request(method, url, params=params, json=body, timeout=self.timeout, verify=self._verify)
        except requests.exceptions.SSLError as exc:
            raise NodeumError('TLS certificate verification failed for %s (%s); set ca_path to the CA bundle that signed the server '
                              'certificate, or validate_certs to false to skip the check (unsafe).'
                              % (self._describe(method, path), _reason(exc)), method=method, path=path) from None
        except requests.exceptions.Timeout:
            raise NodeumError('The Nodeum API did not answer %s within the timeout of %s seconds; %s'
                              % (self._describe(method, path), _seconds(self.timeout), _timeout_advice(method)), method=method, path=path) from None
        except requests.exceptions.ConnectionError as exc:
            error = NodeumError('Cannot reach the Nodeum API for %s (%s); check url, the network and that the server is up.'
                                % (self._describe(method, path), _reason(exc)), method=method, path=path)
            raise _TransientFailure(error, refused=False) from None
        except requests.exceptions.RequestException as exc:
            raise NodeumError('The request %s could not be sent (%s); check url and the connection options.'
                              % (self._describe(method, path), _reason(exc)), method=method, path=path) from None
        if response.status_code in RETRYABLE_STATUSES:
            raise _TransientFailure(self._status_error(method, path, response), refused=response.status_code == 429,
                                    retry_after=_retry_after(response))
        return response

    def _post_landed(self, landed, failure):
        """Ask the resource logic whether a POST whose answer went missing took effect."""
        if landed is None:
            raise failure.error
        created = landed()
        if created is not None:
            self.warnings.append('%s; the server had created it all the same, so it was not sent again.' % failure.error.message.split(';')[0])
        return created

    def _wait_before_retry(self, method, path, failure, attempt):
        delay = BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)]
        if failure.retry_after is not None:
            if failure.retry_after > MAX_RETRY_AFTER_SECONDS:
                raise NodeumError('The Nodeum API asked to wait %s seconds before retrying %s, longer than the %s seconds this collection '
                                  'waits at most; run the task again later.'
                                  % (_seconds(failure.retry_after), self._describe(method, path), _seconds(MAX_RETRY_AFTER_SECONDS)),
                                  status=failure.error.status, method=method, path=path)
            delay = max(delay, failure.retry_after)
        self.warnings.append('Retried %s after %s (attempt %d of %d, waited %s s).'
                             % (self._describe(method, path), _failure_reason(failure), attempt + 1, MAX_ATTEMPTS, _seconds(delay)))
        self._sleep(delay)

    def _decode(self, method, path, response):
        if response.status_code >= 400:
            raise self._status_error(method, path, response)
        if response.status_code == 204 or not response.content:
            return None
        return self._json(method, path, response)

    def _json(self, method, path, response):
        try:
            return response.json()
        except ValueError:
            raise NodeumError('The Nodeum API answered %s with a body that is not JSON (%s, %s): %r; check that url points to the '
                              'Nodeum server and not to a proxy or another service.'
                              % (self._describe(method, path), response.status_code, _content_type(response), _body_start(response)),
                              status=response.status_code, method=method, path=path) from None

    def _status_error(self, method, path, response):
        status = response.status_code
        messages, details = _error_body(response)
        where = self._describe(method, path)
        if status == 401:
            text = 'The Nodeum API refused the credentials for %s (401); check username and password, api_key or token.' % where
        elif status == 403:
            scope = required_scope(method, path) or 'the one this operation needs'
            text = ('The Nodeum API denied %s (403): the credential lacks the scope %s; grant it to the API key or use another credential.'
                    % (where, scope))
        elif messages or _is_json(response):
            text = 'The Nodeum API refused %s (%s): %s' % (where, status, '; '.join(messages) or response.reason or 'no reason given')
        else:
            text = ('The Nodeum API answered %s with %s and a body that is not JSON (%s): %r; check that url points to the Nodeum '
                    'server and not to a proxy or another service.' % (where, status, _content_type(response), _body_start(response)))
        error_type = NodeumNotFound if status == 404 else NodeumError
        return error_type(text, status=status, method=method, path=path, messages=messages, details=details)

    def _describe(self, method, path):
        return '%s %s/%s' % (method, self.base_url, path)


class _TransientFailure(Exception):
    """A failure after which the request may be tried again (connection lost, 429, 502, 503, 504)."""

    def __init__(self, error, refused, retry_after=None):
        super().__init__(error.message)
        self.error = error
        self.refused = refused  # the server said it did not handle the request (429)
        self.retry_after = retry_after


def _list_page(answer, items_key, where):
    if not isinstance(answer, dict) or not isinstance(answer.get(items_key), list):
        raise NodeumError('The Nodeum API answered %s with a list that has no %r array; check that url points to a Nodeum server.'
                          % (where, items_key))
    count = answer.get('count')
    page = answer[items_key]
    return page, count if isinstance(count, int) else len(page)


def _error_body(response):
    try:
        body = response.json()
    except ValueError:
        return [], {}
    if not isinstance(body, dict):
        return [], {}
    messages = [str(message) for message in body.get('messages') or [] if message]
    details = body.get('details') if isinstance(body.get('details'), dict) else {}
    return messages, details


def _is_json(response):
    return 'json' in _content_type(response)


def _content_type(response):
    return response.headers.get('Content-Type', 'no content type').split(';')[0].strip()


def _body_start(response):
    text = response.content[:BODY_QUOTE_LENGTH].decode('utf-8', 'replace')
    return ' '.join(text.split())


def _retry_after(response):
    value = response.headers.get('Retry-After')
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:  # an HTTP date: wait the ordinary backoff rather than parse calendars
        return None


def _failure_reason(failure):
    if failure.error.status:
        return 'status %s' % failure.error.status
    return 'a lost connection'


def _timeout_advice(method):
    if method == 'POST':
        return 'the callback may or may not have been created: run the task again, it finds and keeps the one created.'
    return 'raise the timeout option or check the server.'


def _seconds(value):
    return ('%.1f' % value).rstrip('0').rstrip('.')


_REASON_PATTERNS = (
    r'certificate verify failed: ([^(\')"]+)',
    r'\[Errno -?\d+\] ([^\'")]+)',
    r'(Connection aborted|Remote end closed connection without response)',
    r'(Connection refused|Name or service not known|No route to host)',
)


def _reason(exc):
    """The innermost readable cause of a requests exception, without URLs or pool internals."""
    text = str(exc)
    for pattern in _REASON_PATTERNS:
        match = re.search(pattern, text)
        if match:
            return match.group(1).strip()
    return _without_userinfo(text.split(': ', 1)[-1])[:200]
