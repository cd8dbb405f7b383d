# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How long one request may take, and how large its answer may be, whatever the server does.

A socket timeout bounds each wait for data, not an answer: a server that sends one byte of its headers
or of its body within every timeout would keep a request going for ever. A Watchdog gives each attempt a
deadline and, when it passes, shuts down the connection the attempt uses, wherever the attempt stands
(connecting, sending, waiting for the headers, reading the body); the client then says so. An answer is
read in chunks up to MAX_ANSWER_BYTES and no further, so a server cannot fill the memory of the host.
The HTTP core (client.py) uses both; nothing here knows the API.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import heapq
import itertools
import socket
import threading
import time

try:
    import requests
    from urllib3 import connectionpool
except ImportError:  # client.py reports the missing library
    requests = connectionpool = None

# The most bytes of one answer that are read (its body, after any Content-Encoding is undone): 64 MiB, some 60 times a
# listing page of 1000 callbacks whose scripts are 1 KiB each.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
READ_CHUNK_BYTES = 64 * 1024
# How long the Watchdog's thread stays once no attempt is watched, and how soon it tries again to shut down the
# connection of an attempt past its deadline that had no socket yet.
IDLE_SECONDS = 5.0
CUT_AGAIN_SECONDS = 0.1


class Watch:
    """The deadline of one attempt (on the Watchdog's clock), the connection the attempt uses once the pool gave it,
    and whether the Watchdog shut that connection down (cut) because the deadline passed."""

    def __init__(self, deadline):
        self.deadline = deadline
        self.connection = None
        self.ended = False
        self.cut = False


class Watchdog:
    """One thread that shuts down, when its deadline passes, the connection of each attempt still under way.

    begin(seconds) starts watching the attempt of the calling thread, end(watch) stops; the connection pools of the
    session (watched_adapter) report which connection each thread's attempt uses (uses).
    """

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._condition = threading.Condition()
        self._deadlines = []  # a heap of (deadline, order, Watch)
        self._order = itertools.count()
        self._thread = None
        self._current = threading.local()

    def begin(self, seconds):
        watch = Watch(self._clock() + seconds)
        with self._condition:
            heapq.heappush(self._deadlines, (watch.deadline, next(self._order), watch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name='nodeum-request-deadlines', daemon=True)
                self._thread.start()
            elif self._deadlines[0][2] is watch:  # the watchdog sleeps until a later deadline
                self._condition.notify()
        self._current.watch = watch
        return watch

    def end(self, watch):
        with self._condition:
            watch.ended = True
            if self._deadlines and self._deadlines[0][2] is watch:  # the watchdog sleeps until its deadline
                self._condition.notify()
        self._current.watch = None

    def uses(self, connection):
        """The pool gave connection to the calling thread's attempt: it is the one to shut down at its deadline."""
        watch = getattr(self._current, 'watch', None)
        if watch is not None:
            with self._condition:
                watch.connection = connection

    def _run(self):
        """Until no attempt has been watched for IDLE_SECONDS: shut down each connection whose deadline passed. An
        attempt past its deadline whose connection has no socket yet (it connects) is tried again shortly after."""
        with self._condition:
            while True:
                while self._deadlines and self._deadlines[0][2].ended:
                    heapq.heappop(self._deadlines)
                if not self._deadlines:
                    if not self._condition.wait(IDLE_SECONDS) and not self._deadlines:
                        self._thread = None
                        return
                    continue
                remaining = self._deadlines[0][0] - self._clock()
                if remaining > 0:
                    self._condition.wait(remaining)
                    continue
                watch = heapq.heappop(self._deadlines)[2]
                watch.cut = _shut_down(watch.connection)
                if not watch.cut:
                    heapq.heappush(self._deadlines, (self._clock() + CUT_AGAIN_SECONDS, next(self._order), watch))


def _shut_down(connection):
    """Shut down the socket of an urllib3 connection (a read blocked on it returns at once); whether there was one."""
    sock = getattr(connection, 'sock', None)
    if not isinstance(sock, socket.socket):
        return False
    try:
        # socket.socket's own shutdown: an SSLSocket's would first drop its TLS state, which the reading thread uses
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        return False
    return True


def _watched_pools(watchdog):
    """urllib3 pool classes that tell watchdog which connection each attempt uses."""
    def watched(base):
        class WatchedPool(base):
            def _get_conn(self, timeout=None):
                connection = super()._get_conn(timeout=timeout)
                watchdog.uses(connection)
                return connection
        WatchedPool.__name__ = 'Watched' + base.__name__
        return WatchedPool
    return {'http': watched(connectionpool.HTTPConnectionPool), 'https': watched(connectionpool.HTTPSConnectionPool)}


class WatchedAdapter(requests.adapters.HTTPAdapter if requests else object):
    """requests' HTTPAdapter whose connection pools (direct or through an HTTP proxy) report to a Watchdog."""

    def __init__(self, watchdog, **kwargs):
        self._watched = _watched_pools(watchdog)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._watched

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith('socks'):  # a SOCKS proxy's pools are classes of their own
            manager.pool_classes_by_scheme = self._watched
        return manager


def bytes_text(size):
    """A number of bytes as the sentences write it: 64 MiB, 1.5 KiB, 300 bytes."""
    for unit, scale in (('MiB', 1024 * 1024), ('KiB', 1024)):
        if size >= scale:
            return '%s %s' % (('%.1f' % (size / scale)).rstrip('0').rstrip('.'), unit)
    return '%d bytes' % size


def bounded_body(response, limit=MAX_ANSWER_BYTES):
    """The body of a response requested with stream=True, read in chunks; None when it holds more than limit bytes,
    of which no more than a chunk past limit is read (nor any when its Content-Length says more)."""
    declared = response.headers.get('Content-Length', '').strip()
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    for chunk in response.iter_content(READ_CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b''.join(chunks)
