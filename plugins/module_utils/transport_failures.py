# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What went wrong in an exchange with the server, sorted and said in one sentence.

The kinds of transport failure (read from the exception types of requests, urllib3, http.client
and the socket, never from their message text), whether the server may have acted on the request,
their sentences and advice; the TLS diagnosis; the failure of a redirect. Everything here returns
plain values (a kind, a sentence); the HTTP core (client.py) raises them as its errors.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import socket
import ssl

from http.client import HTTPException, IncompleteRead as _HttpIncompleteRead

from urllib.parse import urlsplit

try:
    import requests
    from urllib3 import exceptions as urllib3_errors  # requests' own transport: always there with it
except ImportError:  # client.py reports the missing library
    requests = urllib3_errors = None

# A redirect's Location comes from the server, which may send anything: it is quoted cut to this length.
LOCATION_QUOTE_LENGTH = 200
# How long the check whether a plain http:// port speaks TLS may take (see speaks_tls).
TLS_PROBE_SECONDS = 5.0

# Transport failures, by what the server may have done. The kinds where no connection was made
# are NOT_SENT_KINDS: the server saw nothing, so any method may be sent again. In the others the
# request may have reached the server and only the answer went missing.
FAILURE_HEADS = {
    'refused': 'Cannot reach the Nodeum API for {where}: the connection was refused',
    'name': 'Cannot reach the Nodeum API for {where}: the host name {host} does not resolve',
    'unreachable': 'Cannot reach the Nodeum API for {where}: no connection could be made',
    'connect timeout': 'Cannot reach the Nodeum API for {where}: no connection within the timeout of {timeout} seconds',
    'proxy': 'Cannot reach the Nodeum API for {where} through the proxy',
    'no answer': 'Connected to the Nodeum API, but it did not answer {where} within the timeout of {timeout} seconds',
    'closed': 'Connected to the Nodeum API, but the connection was closed before the answer to {where} came',
    'cut off': 'The Nodeum API began to answer {where}, but the answer was cut off',
    'garbled': 'The answer of the Nodeum API to {where} arrived garbled (not readable as HTTP)',
    'garbled json': 'The answer of the Nodeum API to {where} arrived garbled (a JSON body that does not parse: '
                    '{detail!r})',
    'deadline': 'The Nodeum API had not finished answering {where} when the request reached {deadline} seconds, the '
                'most one request may take ({retries} seconds of retries plus the timeout of {timeout} seconds), so it '
                'was cut off',
}
# What went wrong in a few words, for the retry warning.
FAILURE_SHORT = {
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
    'deadline': 'an answer cut off at the deadline of the request',
}
NOT_SENT_KINDS = ('refused', 'name', 'unreachable', 'connect timeout', 'proxy')
_NETWORK_ADVICE = 'check the network and any proxy between here and the server, then run the task again'
# What to do once the retry budget is spent, by kind.
GIVE_UP_ADVICE = dict([(kind, 'check url, the network and that the server is up') for kind in NOT_SENT_KINDS],
                      **{'no answer': 'raise the timeout option or check the server', 'closed': _NETWORK_ADVICE,
                         'cut off': _NETWORK_ADVICE, 'garbled': _NETWORK_ADVICE, 'garbled json': _NETWORK_ADVICE,
                         'deadline': 'the server answers too slowly: check the server and the network, or raise the '
                                     'timeout option, which the deadline includes'})
# OpenSSL's reasons for a handshake answered by something that is not TLS (a plain-HTTP port).
NOT_TLS_REASONS = ('WRONG_VERSION_NUMBER', 'UNKNOWN_PROTOCOL', 'HTTP_REQUEST', 'PACKET_LENGTH_TOO_LONG',
                   'RECORD_LAYER_FAILURE', 'UNEXPECTED_RECORD', 'WRONG_SSL_VERSION')


def transport_failure_kind(exc):
    """The kind of a transport failure (a key of FAILURE_HEADS), from the exception types alone; None if unknown.

    requests wraps urllib3's exceptions, which wrap the socket's and http.client's, so the whole
    chain is looked at. The order matters: a refused connection is a NewConnectionError, itself
    a ConnectTimeoutError; http.client's RemoteDisconnected is both a reset and a bad status line.
    """
    chain = _causes(exc)

    def has(*types):
        return any(isinstance(cause, types) for cause in chain)

    if isinstance(exc, requests.exceptions.ProxyError):
        return 'proxy'
    # urllib3 2 raises its NameResolutionError from it, urllib3 1 a NewConnectionError while handling it
    if has(socket.gaierror):
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


# OpenSSL's verification results (X509_V_ERR_*) that another CA bundle would not fix, and what they mean: {name} is
# the host name (or address) url asks for.
CERTIFICATE_FAULTS = {
    9: 'the server certificate is not valid yet; check that the clock of this host is right',
    10: 'the server certificate has expired; renew the certificate of the server (and check that the clock of this '
        'host is right)',
    62: 'the server certificate is not valid for the name {name} that url asks for; write in url a name that the '
        'certificate holds, or give the server a certificate for {name}',
    64: 'the server certificate is not valid for the address {name} that url asks for; write in url a name that the '
        'certificate holds, or give the server a certificate for {name}',
}


def tls_sentence(exc, base_url, where):
    """The failure of a TLS handshake (exc: the SSLError of requests) for the request described as where."""
    tls = next((cause for cause in _causes(exc) if isinstance(cause, ssl.SSLError)), None)
    if isinstance(tls, ssl.SSLCertVerificationError):
        fault = CERTIFICATE_FAULTS.get(getattr(tls, 'verify_code', None))
        if fault:
            return 'TLS certificate verification failed for %s: %s.' % (
                where, fault.format(name=urlsplit(base_url).hostname))
        reason = tls.verify_message or _ssl_reason(tls)
        return ('TLS certificate verification failed for %s (%s); set ca_path to the CA bundle that signed the server '
                'certificate, or validate_certs to false to skip the check (unsafe).' % (where, reason))
    if tls is not None and tls.reason in NOT_TLS_REASONS:
        return ('The server at %s did not answer in TLS for %s: it does not speak HTTPS on that port; check http:// '
                'against https:// in url, and the port.' % (origin(base_url), where))
    return ('The TLS handshake with %s failed for %s (%s); check that url names the server\'s HTTPS port and that the '
            'server accepts TLS 1.2 or later.' % (origin(base_url), where, _ssl_reason(tls)))


def _ssl_reason(tls):
    """OpenSSL's reason code of a TLS error in words ('TLSV1_ALERT_PROTOCOL_VERSION' -> 'tlsv1 alert protocol
    version')."""
    if isinstance(tls, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
        return 'the server closed the connection during the handshake'
    reason = getattr(tls, 'reason', None)
    return reason.lower().replace('_', ' ') if isinstance(reason, str) else 'no reason given'


def plain_http_sentence(base_url, where):
    """The failure of a plain http:// request to a port that speaks TLS (see speaks_tls)."""
    return ('The server at %s serves HTTPS on that port, so it cannot answer %s sent as plain HTTP; write url with '
            'https:// instead of http://.' % (origin(base_url), where))


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


def redirect_sentence(where, base_url, status, location):
    """The failure of a 3xx answer. Redirects are never followed: the server is not trusted to send the
    request, its credentials or its body to another place, and the fix is a url that needs none."""
    if not location:
        target = 'without a Location'
    else:
        target = 'to %r' % shown_location(location)
        if base_url.startswith('https://') and location.strip().lower().startswith('http:'):
            target += ', a downgrade from https:// to http://'
    return ('The Nodeum API answered %s with a redirect (%s) %s; redirects are not followed, so fix url to name the '
            'server\'s address directly.' % (where, status, target))


def shown_location(location):
    """A Location as a message may quote it: as UTF-8 text, without any user-info, and cut when long (the server chose
    it). http.client reads header bytes as Latin-1; bytes that are not UTF-8 show as U+FFFD."""
    try:
        location = location.encode('latin-1').decode('utf-8', 'replace')
    except UnicodeEncodeError:  # not as http.client read it: shown as it is
        pass
    _userinfo, bare = split_userinfo(location)
    return bare if len(bare) <= LOCATION_QUOTE_LENGTH else bare[:LOCATION_QUOTE_LENGTH] + '...'


def split_userinfo(url):
    """(user-info, the URL without it): the user-info is whatever comes before the last '@', None if there is no '@'.

    Read more widely than urlsplit does, on purpose: urlsplit ends the host part at the first '/',
    so in 'http://u:pa/ss@host' it sees no user-info, the host 'u' and a password in the path. Any
    '@' after 'scheme://' (or anywhere, without '//') counts; a server root never needs one. The
    check of the url option and the masking of secrets read a url the same way.
    """
    head, separator, rest = url.partition('//')
    if not separator:
        head, rest = '', url
    userinfo, at, host_onwards = rest.rpartition('@')
    if not at:
        return None, url
    return userinfo, head + separator + host_onwards


def origin(base_url):
    parts = urlsplit(base_url)
    return '%s://%s' % (parts.scheme, parts.netloc)


def seconds_text(value):
    """Seconds as the sentences write them: 0.5, 3, 15.5."""
    return ('%.1f' % value).rstrip('0').rstrip('.')
