#!/usr/bin/env python3
"""A TCP proxy that can leave the broker's side of its connections open
(tests/subscription_ownership_test.sh).

It listens on an ephemeral loopback port (written to --port-file once it
listens) and forwards every connection to --target. While --drop-file
exists it cuts every connection on the client's side only (the agent sees
it closed and connects again) and keeps the broker's side open and
silent, as a network that loses a connection without either end closing
it would: the broker only learns that connection is gone by its
heartbeat timeout. The drop file is removed once done.
"""
import argparse
import asyncio
import os


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)  # host:port
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--drop-file", required=True)
    args = parser.parse_args()
    host, port = args.target.rsplit(":", 1)
    live = []   # [client writer, upstream writer, pump tasks]
    held = []   # upstream writers kept open after a drop

    async def pump(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass

    async def handle(client_reader, client_writer):
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
        tasks = [asyncio.ensure_future(pump(client_reader, upstream_writer)),
                 asyncio.ensure_future(pump(upstream_reader, client_writer))]
        entry = [client_writer, upstream_writer, tasks]
        live.append(entry)
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if entry in live:  # an ordinary close: close both sides
            live.remove(entry)
            for t in tasks:
                t.cancel()
            upstream_writer.close()
            client_writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    os.rename(tmp, args.port_file)
    while True:
        await asyncio.sleep(0.05)
        if os.path.exists(args.drop_file):
            for entry in list(live):
                live.remove(entry)
                client_writer, upstream_writer, tasks = entry
                for t in tasks:
                    t.cancel()
                held.append(upstream_writer)  # stays open, says nothing
                client_writer.transport.abort()
            os.remove(args.drop_file)


asyncio.run(main())
