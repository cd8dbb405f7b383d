# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport client for the Nodeum REST API v2.

This layer knows HTTP and the API's conventions (paths, paging, errors, scopes) and nothing of
Ansible: it takes plain arguments, returns plain data and raises NodeumError, whose text is one
sentence a user can act on. The modules build on it; the action plugins send no request of their own.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import re
import socket
import ssl
import time
import warnings

from http.client import HTTPException, IncompleteRead as _HttpIncompleteRead

from urllib.parse import quote, urlsplit, urlunsplit

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

# How many items one list request asks for. Servers may serve fewer (a page cap); the pager then
# goes on from where the page ended, so this only has to be at least as large as the server's cap.
PAGE_REQUEST_SIZE = 1000

# The retry budget of one request: at most 4 attempts, waiting 0.5 s, 1 s, then 2 s (or what the
# server asks in Retry-After, up to the cap), and no new attempt once RETRY_DEADLINE_SECONDS have
# passed since the first began. An attempt is never cut short, so a request gives up at the latest
# RETRY_DEADLINE_SECONDS plus one timeout after it began; a refused connection fails after 3.5 s of
# waits. See docs/reliability.md for what each kind of failure guarantees.
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = (0.5, 1.0, 2.0)
RETRY_DEADLINE_SECONDS = 30.0
MAX_RETRY_AFTER_SECONDS = 30.0
RETRYABLE_STATUSES = (429, 502, 503, 504)

# Requests the modules send at once over the one session, and the connections the session keeps open
# for them, so that none waits for, or reopens, a connection: enough to hide the round trip, few
# enough not to crowd the server.
MAX_CONCURRENT_REQUESTS = 8
BODY_QUOTE_LENGTH = 120
# A redirect's Location comes from the server, which may send anything: it is quoted cut to this length.
LOCATION_QUOTE_LENGTH = 200

# The longest timeout accepted: an hour is far more than any answer of the API takes, and larger
# values (1e308, inf) break the socket layer with its own words instead of ours.
MAX_TIMEOUT_SECONDS = 3600.0
# How long the check whether a plain http:// port speaks TLS may take (see speaks_tls).
TLS_PROBE_SECONDS = 5.0

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
    userinfo, bare = split_userinfo(url.strip())
    try:
        parts = urlsplit(bare)
        usable = parts.scheme in ('http', 'https') and bool(parts.hostname) and parts.port != 0
    except ValueError:  # an unclosed '[', a port that is no number, characters that NFKC normalisation changes
        usable = False
    if not usable:
        raise NodeumError('The Nodeum url %r is not an http:// or https:// URL with a host; give the server root, for example https://nodeum.example.com.'
                          % bare)
    # Refused before the url is used at all, so no request is sent and no name is looked up (urlsplit
    # would read 'http://u:1234/ss@host' as the host 'u'); the sentence never repeats what it holds.
    if userinfo is not None:
        raise NodeumError('The Nodeum url holds credentials (text before an @); remove them from the URL and use username and password, '
                          'api_key or token instead.')
    path = parts.path.rstrip('/')
    if not path.endswith(API_ROOT):
        path += API_ROOT
    return urlunsplit((parts.scheme, parts.netloc, path, '', ''))


def split_userinfo(url):
    """(user-info, the URL without it): the user-info is whatever comes before the last '@', None if there is no '@'.

    Read more widely than urlsplit does, on purpose: urlsplit ends the host part at the first '/',
    so in 'http://u:pa/ss@host' it sees no user-info, the host 'u' and a password in the path. Any
    '@' after 'scheme://' (or anywhere, without '//') counts; a server root never needs one.
    """
    head, separator, rest = url.partition('//')
    if not separator:
        head, rest = '', url
    userinfo, at, host_onwards = rest.rpartition('@')
    if not at:
        return None, url
    return userinfo, head + separator + host_onwards


def checked_timeout(timeout):
    """The timeout in seconds as a float, or NodeumError unless it is above 0 and at most MAX_TIMEOUT_SECONDS."""
    try:
        seconds = float(timeout)
    except (TypeError, ValueError):
        seconds = float('nan')
    if not 0 < seconds <= MAX_TIMEOUT_SECONDS:  # nan fails both comparisons
        raise NodeumError('timeout must be a number of seconds above 0 and at most %s (one hour), got %s; give how long to wait for each '
                          'answer, for example 30.' % (_seconds(MAX_TIMEOUT_SECONDS), timeout))
    return seconds


def checked_ca_path(ca_path):
    """ca_path if it names a readable file, else NodeumError (requests would fail later, in its own words)."""
    advice = 'give the path of a PEM file of CA certificates on the host that runs the module.'
    if not os.path.exists(ca_path):
        raise NodeumError('ca_path %r does not exist; %s' % (ca_path, advice))
    if not os.path.isfile(ca_path):
        raise NodeumError('ca_path %r is not a file; %s' % (ca_path, advice))
    try:
        with open(ca_path, 'rb'):
            pass
    except OSError as error:
        raise NodeumError('ca_path %r cannot be read (%s); %s' % (ca_path, error.strerror or type(error).__name__, advice)) from None
    return ca_path


def redirect_sentence(where, base_url, status, location):
    """The failure of a 3xx answer. Redirects are never followed: the server is not trusted to send the
    request, its credentials or its body to another place, and the fix is a url that needs none."""
    if not location:
        target = 'without a Location'
    else:
        target = 'to %r' % shown_location(location)
        if base_url.startswith('https://') and location.strip().lower().startswith('http:'):
            target += ', a downgrade from https:// to http://'
    return ('The Nodeum API answered %s with a redirect (%s) %s; redirects are not followed, so fix url to name the server\'s address '
            'directly.' % (where, status, target))


def shown_location(location):
    """A Location as a message may quote it: without any user-info, and cut when long (the server chose it)."""
    _userinfo, bare = split_userinfo(location)
    return bare if len(bare) <= LOCATION_QUOTE_LENGTH else bare[:LOCATION_QUOTE_LENGTH] + '...'


def plain_http_sentence(origin, where):
    """The failure of a plain http:// request to a port that speaks TLS (see speaks_tls)."""
    return ('The server at %s serves HTTPS on that port, so it cannot answer %s sent as plain HTTP; write url with https:// instead of '
            'http://.' % (origin, where))


def speaks_tls(host, port, timeout):
    """Whether host:port completes a TLS handshake.

    Asked only after a plain http:// request failed in a way that servers answering TLS give (a
    closed connection, a garbled answer or a 400 page): it tells that failure from a network fault.
    Nothing is sent after the handshake, so the certificate needs no check here.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host):
                return True
    except (OSError, ValueError):  # ssl.SSLError is an OSError
        return False


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

    def __init__(self, url, auth=None, authorization=None, validate_certs=True, ca_path=None, timeout=30.0, sleep=time.sleep,
                 clock=time.monotonic, pool_maxsize=MAX_CONCURRENT_REQUESTS, tls_probe=speaks_tls):
        """auth is a (username, password) pair for Basic; authorization a ready Authorization header value.

        pool_maxsize is how many connections the session keeps open to the server;
        sleep and clock are the waits and the time the retry budget is measured with, and
        tls_probe(host, port, timeout) tells whether a port speaks TLS (tests pass their own).
        """
        self.base_url = normalize_base_url(url)
        self.timeout = checked_timeout(timeout)
        self.warnings = []
        self._sleep = sleep
        self._clock = clock
        self._tls_probe = tls_probe
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
        self._verify = checked_ca_path(ca_path) if (validate_certs and ca_path) else bool(validate_certs)
        if not validate_certs:
            quiet_unverified_warning(urlsplit(self.base_url).hostname)

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
        """Send one request within the retry budget; return the decoded JSON (None on 204).

        What is retried follows what the server may have done: a request that never left is sent
        again whatever its method; one whose answer was lost is sent again if it is a GET, PUT or
        DELETE, and a POST only once landed() found that it had not taken effect.
        """
        started = self._clock()
        attempt = 1
        maybe_handled = False  # whether any attempt may have reached the server
        while True:
            try:
                return self._exchange(method, path, params, body)
            except _TransientFailure as failure:
                if attempt == 1 and failure.kind in ('closed', 'garbled'):
                    self._refuse_plain_http_to_tls(method, path)
                maybe_handled = maybe_handled or failure.maybe_handled
                delay = self._retry_delay(method, path, failure, attempt)
                last = attempt >= MAX_ATTEMPTS or self._clock() - started + delay > RETRY_DEADLINE_SECONDS
                if method == 'POST' and failure.maybe_handled:
                    created = self._post_landed(landed, failure, self._post_check_wait(failure, delay), attempt, started)
                    if created is not None:
                        return created
                    delay = 0.0  # the check came after the wait: resend at once, before anything changes
                if last:
                    raise self._give_up(method, path, failure, attempt, started, maybe_handled) from None
                self.warnings.append('Retried %s after %s (attempt %d of %d, waited %s s).'
                                     % (self._describe(method, path), failure.short, attempt + 1, MAX_ATTEMPTS, _seconds(delay or failure.waited)))
                if delay:
                    self._sleep(delay)
                attempt += 1

    def _exchange(self, method, path, params, body):
        response = self._send(method, path, params, body)
        if response.status_code in RETRYABLE_STATUSES:
            # 429 says the server did not handle the request; a 502, 503 or 504 may come from a proxy after the server did.
            raise _TransientFailure(self._status_error(method, path, response), maybe_handled=response.status_code != 429,
                                    short='status %s' % response.status_code, retry_after=_retry_after(response))
        if 300 <= response.status_code < 400:
            raise NodeumError(redirect_sentence(self._describe(method, path), self.base_url, response.status_code, response.headers.get('Location')),
                              status=response.status_code, method=method, path=path)
        if response.status_code == 400 and not _is_json(response):  # how some servers answer plain HTTP on their HTTPS port
            self._refuse_plain_http_to_tls(method, path)
        return self._decode(method, path, response)

    def _refuse_plain_http_to_tls(self, method, path):
        """Raise the sentence that says to use https:// when url is http:// and its port speaks TLS; else return."""
        parts = urlsplit(self.base_url)
        if parts.scheme == 'http' and self._tls_probe(parts.hostname, parts.port or 80, min(self.timeout, TLS_PROBE_SECONDS)):
            raise NodeumError(plain_http_sentence(_origin(self.base_url), self._describe(method, path)), method=method, path=path)

    def _send(self, method, path, params, body):
        url = self.base_url + '/' + path
        try:
            # Redirects are never followed: a 3xx fails in _exchange, so nothing goes where url does not point.
            return self._session.request(method, url, params=params, json=body, timeout=self.timeout, verify=self._verify,
                                         allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise self._tls_error(method, path, exc) from None
        except (requests.exceptions.RequestException, urllib3_errors.HTTPError, HTTPException) as exc:
            kind = transport_failure_kind(exc)
            if kind is None:
                raise NodeumError('The request %s failed before any answer came (%s); check url and the connection options.'
                                  % (self._describe(method, path), type(exc).__name__), method=method, path=path) from None
            raise self._transport_failure(method, path, kind) from None

    def _transport_failure(self, method, path, kind, detail=''):
        where = self._describe(method, path)
        head = _FAILURE_HEADS[kind].format(where=where, timeout=_seconds(self.timeout), host=urlsplit(self.base_url).hostname, detail=detail)
        return _TransientFailure(NodeumError(head, method=method, path=path), maybe_handled=kind not in NOT_SENT_KINDS,
                                 short=_FAILURE_SHORT[kind].format(timeout=_seconds(self.timeout)), kind=kind)

    def _tls_error(self, method, path, exc):
        where = self._describe(method, path)
        tls = _first(_causes(exc), ssl.SSLError)
        if isinstance(tls, ssl.SSLCertVerificationError):
            reason = tls.verify_message or _ssl_reason(tls)
            text = ('TLS certificate verification failed for %s (%s); set ca_path to the CA bundle that signed the server certificate, '
                    'or validate_certs to false to skip the check (unsafe).' % (where, reason))
        elif tls is not None and tls.reason in NOT_TLS_REASONS:
            text = ('The server at %s did not answer in TLS for %s: it does not speak HTTPS on that port; check http:// against https:// '
                    'in url, and the port.' % (_origin(self.base_url), where))
        else:
            text = ('The TLS handshake with %s failed for %s (%s); check that url names the server\'s HTTPS port and that the server '
                    'accepts TLS 1.2 or later.' % (_origin(self.base_url), where, _ssl_reason(tls)))
        return NodeumError(text, method=method, path=path)

    def _post_check_wait(self, failure, delay):
        """How long to let the server finish before asking whether a POST took effect."""
        if failure.kind == 'no answer':
            return delay + self.timeout  # it may still be working on it: give it as long again
        return delay

    def _post_landed(self, landed, failure, wait, attempt, started):
        """Ask the resource logic whether a POST whose answer went missing took effect (None: it did not)."""
        if landed is None:
            raise self._give_up('POST', failure.error.path, failure, attempt, started, True) from None
        self._sleep(wait)
        failure.waited = wait
        try:
            created = landed()
        except NodeumError:
            raise NodeumError('%s, and the check whether the server had created the callback failed as well; the callback may exist: '
                              'run the task again, it finds and keeps the one created.' % failure.error.message,
                              method='POST', path=failure.error.path) from None
        if created is not None:
            self.warnings.append('%s; the server had created it all the same, so it was not sent again.' % failure.error.message)
        return created

    def _retry_delay(self, method, path, failure, attempt):
        delay = BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)]
        if failure.retry_after is not None:
            if failure.retry_after > MAX_RETRY_AFTER_SECONDS:
                raise NodeumError('The Nodeum API asked to wait %s seconds before retrying %s, longer than the %s seconds this collection '
                                  'waits at most; run the task again later.'
                                  % (_seconds(failure.retry_after), self._describe(method, path), _seconds(MAX_RETRY_AFTER_SECONDS)),
                                  status=failure.error.status, method=method, path=path)
            delay = max(delay, failure.retry_after)
        return delay

    def _give_up(self, method, path, failure, attempt, started, maybe_handled):
        """The error of a request whose retry budget is spent: the last failure, and what it means for the user."""
        if failure.kind is None:
            return failure.error  # a status: its sentence is the server's own
        tried = ' (%d attempts in %s s)' % (attempt, _seconds(self._clock() - started)) if attempt > 1 else ''
        if method == 'POST':
            advice = _POST_ADVICE[maybe_handled]
        else:
            advice = _ADVICE[failure.kind]
        return NodeumError('%s%s; %s.' % (failure.error.message, tried, advice), method=method, path=path)

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
            if _is_json(response):  # the server said JSON: the bytes were damaged on the way
                raise self._transport_failure(method, path, 'garbled json', detail=_body_start(response)) from None
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
    """A failure after which the request may be tried again: a transport failure or a 429, 502, 503 or 504."""

    def __init__(self, error, maybe_handled, short, retry_after=None, kind=None):
        super().__init__(error.message)
        self.error = error
        self.maybe_handled = maybe_handled  # False only when the server cannot have acted on the request
        self.short = short  # what went wrong, in a few words, for the retry warning
        self.retry_after = retry_after
        self.kind = kind  # the transport failure kind (_FAILURE_HEADS), None for a status
        self.waited = 0.0


# Transport failures, by what the server may have done. The kinds where no connection was made
# are NOT_SENT_KINDS: the server saw nothing, so any method may be sent again. In the others the
# request may have reached the server and only the answer went missing.
_FAILURE_HEADS = {
    'refused': 'Cannot reach the Nodeum API for {where}: the connection was refused',
    'name': 'Cannot reach the Nodeum API for {where}: the host name {host} does not resolve',
    'unreachable': 'Cannot reach the Nodeum API for {where}: no connection could be made',
    'connect timeout': 'Cannot reach the Nodeum API for {where}: no connection within the timeout of {timeout} seconds',
    'proxy': 'Cannot reach the Nodeum API for {where} through the proxy',
    'no answer': 'Connected to the Nodeum API, but it did not answer {where} within the timeout of {timeout} seconds',
    'closed': 'Connected to the Nodeum API, but the connection was closed before the answer to {where} came',
    'cut off': 'The Nodeum API began to answer {where}, but the answer was cut off',
    'garbled': 'The answer of the Nodeum API to {where} arrived garbled (not readable as HTTP)',
    'garbled json': 'The answer of the Nodeum API to {where} arrived garbled (a JSON body that does not parse: {detail!r})',
}
_FAILURE_SHORT = {
    'refused': 'a refused connection',
    'name': 'a failed name lookup',
    'unreachable': 'a failed connection',
    'connect timeout': 'no connection within {timeout} s',
    'proxy': 'a failed connection through the proxy',
    'no answer': 'no answer within {timeout} s',
    'closed': 'a lost connection: closed before the answer',
    'cut off': 'a lost connection: the answer was cut off',
    'garbled': 'a garbled answer',
    'garbled json': 'a garbled answer',
}
NOT_SENT_KINDS = ('refused', 'name', 'unreachable', 'connect timeout', 'proxy')
_NETWORK_ADVICE = 'check the network and any proxy between here and the server, then run the task again'
_ADVICE = dict([(kind, 'check url, the network and that the server is up') for kind in NOT_SENT_KINDS],
               **{'no answer': 'raise the timeout option or check the server', 'closed': _NETWORK_ADVICE, 'cut off': _NETWORK_ADVICE,
                  'garbled': _NETWORK_ADVICE, 'garbled json': _NETWORK_ADVICE})
_POST_ADVICE = {
    False: 'nothing reached the server, so no callback was created; check url, the network and that the server is up',
    True: 'the callback may have been created: run the task again, it finds and keeps the one created',
}
# OpenSSL's reasons for a handshake answered by something that is not TLS (a plain-HTTP port).
NOT_TLS_REASONS = ('WRONG_VERSION_NUMBER', 'UNKNOWN_PROTOCOL', 'HTTP_REQUEST', 'PACKET_LENGTH_TOO_LONG', 'RECORD_LAYER_FAILURE',
                   'UNEXPECTED_RECORD', 'WRONG_SSL_VERSION')


def transport_failure_kind(exc):
    """The kind of a transport failure (a key of _FAILURE_HEADS), from the exception types alone; None if unknown.

    requests wraps urllib3's exceptions, which wrap the socket's and http.client's, so the whole
    chain is looked at. The order matters: a refused connection is a NewConnectionError, itself
    a ConnectTimeoutError; http.client's RemoteDisconnected is both a reset and a bad status line.
    """
    chain = _causes(exc)

    def has(*types):
        return any(isinstance(cause, types) for cause in chain)

    if isinstance(exc, requests.exceptions.ProxyError):
        return 'proxy'
    if has(socket.gaierror):  # urllib3 2 raises its NameResolutionError from it, urllib3 1 a NewConnectionError while handling it
        return 'name'
    if has(urllib3_errors.NewConnectionError):
        return 'refused' if has(ConnectionRefusedError) or _errno_in(chain, errno.ECONNREFUSED) else 'unreachable'
    if isinstance(exc, requests.exceptions.ConnectTimeout) or has(urllib3_errors.ConnectTimeoutError):
        return 'connect timeout'
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return 'no answer'
    return _answer_failure_kind(exc, has)


def _answer_failure_kind(exc, has):
    """The kind of a failure after the request went out: the answer was late, cut off, garbled or never came."""
    # urllib3's IncompleteRead and InvalidChunkLength are http.client's IncompleteRead as well
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or has(_HttpIncompleteRead):
        return 'cut off'
    if isinstance(exc, requests.exceptions.ConnectionError) and has(urllib3_errors.ReadTimeoutError):
        return 'cut off'  # requests reports a timeout while reading the body so: the answer had begun
    if has(ConnectionError, urllib3_errors.ProtocolError) and not has(HTTPException, urllib3_errors.DecodeError):
        return 'closed'
    if has(ConnectionResetError):  # http.client's RemoteDisconnected: closed without a status line
        return 'closed'
    if isinstance(exc, requests.exceptions.ContentDecodingError) or has(HTTPException, urllib3_errors.DecodeError):
        return 'garbled'
    if isinstance(exc, requests.exceptions.ConnectionError):
        return 'closed'
    return None


def _causes(exc, limit=16):
    """exc and the exceptions it wraps (in args, reason, __cause__ and __context__), outermost first."""
    found = []
    waiting = [exc]
    while waiting and len(found) < limit:
        current = waiting.pop(0)
        if not isinstance(current, BaseException) or any(current is seen for seen in found):
            continue
        found.append(current)
        waiting.extend(current.args)
        waiting.extend((getattr(current, 'reason', None), current.__cause__, current.__context__))
    return found


def _errno_in(chain, number):
    return any(isinstance(cause, OSError) and cause.errno == number for cause in chain)


def _first(chain, exception_type):
    return next((cause for cause in chain if isinstance(cause, exception_type)), None)


def _ssl_reason(tls):
    """OpenSSL's reason code of a TLS error in words ('TLSV1_ALERT_PROTOCOL_VERSION' -> 'tlsv1 alert protocol version')."""
    if isinstance(tls, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
        return 'the server closed the connection during the handshake'
    reason = getattr(tls, 'reason', None)
    return reason.lower().replace('_', ' ') if isinstance(reason, str) else 'no reason given'


def _origin(base_url):
    parts = urlsplit(base_url)
    return '%s://%s' % (parts.scheme, parts.netloc)


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


def _seconds(value):
    return ('%.1f' % value).rstrip('0').rstrip('.')
