# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A link with latency for `make bench`: a TCP proxy on 127.0.0.1 that delays every chunk, each way.

    python benchmarks/delay_proxy.py UPSTREAM_PORT DELAY_SECONDS LIFETIME_SECONDS

The kernels this project runs on have no netem, so the benchmark makes its slow link itself: each
chunk read from one side is written to the other DELAY_SECONDS after it arrived, in order, without
holding back the chunks behind it (a delay, not a bandwidth limit). A request and its answer thus
take at least twice the delay, as over a link with that one-way latency. The proxy forwards to
127.0.0.1:UPSTREAM_PORT, prints "delay proxy listening on http://127.0.0.1:PORT" once it listens,
and exits on SIGTERM or after LIFETIME_SECONDS, whichever comes first. Standard library only.
"""

from __future__ import absolute_import, division, print_function

import asyncio
import signal
import sys

READY_PREFIX = 'delay proxy listening on '
CHUNK = 65536


async def delayed_pipe(reader, writer, delay):
    """Copy reader to writer, each chunk written `delay` seconds after it was read; end with the reader's end."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def receive():
        try:
            while True:
                data = await reader.read(CHUNK)
                queue.put_nowait((loop.time() + delay, data))
                if not data:
                    return
        except (ConnectionError, OSError):
            queue.put_nowait((loop.time(), b''))

    receiving = asyncio.ensure_future(receive())
    try:
        await write_when_due(queue, writer, loop)
    except (ConnectionError, OSError):
        return
    finally:
        receiving.cancel()


async def write_when_due(queue, writer, loop):
    """Write each (due, data) of queue at its due time; at the empty chunk, the reader's end, end the writer's side."""
    while True:
        due, data = await queue.get()
        wait = due - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        if not data:
            if writer.can_write_eof():
                writer.write_eof()
            return
        writer.write(data)
        await writer.drain()


async def forward(client_reader, client_writer, upstream_port, delay):
    try:
        server_reader, server_writer = await asyncio.open_connection('127.0.0.1', upstream_port)
    except OSError:
        client_writer.close()
        return
    try:
        await asyncio.gather(delayed_pipe(client_reader, server_writer, delay),
                             delayed_pipe(server_reader, client_writer, delay))
    except asyncio.CancelledError:
        pass  # the proxy is stopping: its open connections end with it
    finally:
        for writer in (server_writer, client_writer):
            writer.close()


async def serve(upstream_port, delay, lifetime):
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    server = await asyncio.start_server(lambda reader, writer: forward(reader, writer, upstream_port, delay),
                                        '127.0.0.1', 0)
    print('%shttp://127.0.0.1:%d' % (READY_PREFIX, server.sockets[0].getsockname()[1]), flush=True)
    try:
        await asyncio.wait_for(stop, lifetime)
    except asyncio.TimeoutError:
        pass
    server.close()


def main(argv):
    upstream_port, delay, lifetime = int(argv[0]), float(argv[1]), float(argv[2])
    asyncio.run(serve(upstream_port, delay, lifetime))


if __name__ == '__main__':
    main(sys.argv[1:])
