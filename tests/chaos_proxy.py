#!/usr/bin/env python3
"""A TCP proxy that breaks connections on purpose (tests/network_faults_test.sh).

It listens on an ephemeral loopback port (written to --port-file once it
listens), forwards every connection to --target, and cuts connections at
random moments:

- each connection gets a random byte budget (both directions together,
  between --min-bytes and --max-bytes); the chunk that crosses it is
  forwarded only up to the budget, so the peer gets part of a message, and
  then both sides are closed abruptly (RST, or a bare FIN on a random
  half of the cuts);
- a connection that carries little also gets a random lifetime
  (--min-life-ms .. --max-life-ms) after which it is cut wherever it is;
- after a cut, with probability --outage-prob, new connections are
  accepted and reset at once for a random time up to --outage-max-ms (the
  broker is unreachable); and so are they while --outage-file exists.

To tell a cut *mid-message* from one between messages it follows ZeroMQ's
framing (ZMTP 3: a 64-byte greeting, then frames `flags size body`, the
size one byte or, with flag 0x02, eight bytes big-endian; under CURVE every
message travels as such a frame) in each direction: a cut is mid-message
when, in the direction that crossed the budget (or, for a lifetime cut, in
either direction), the bytes forwarded end inside a frame.

The counts go to --stats (JSON, replaced atomically after each event and
every 0.5 s):
connections, cuts, cuts_mid_message, cuts_by_bytes, cuts_by_lifetime,
refused (connections reset during outages), outages, bytes_up, bytes_down,
framing_errors (cuts of a connection whose bytes did not read as ZMTP 3
framing: then the cut is not counted as mid-message).
After --max-cuts cuts it only forwards (so a test ends in bounded time).
"""
import argparse
import asyncio
import json
import os
import random
import socket
import struct
import sys


class Framer:
    """Where a ZMTP 3 byte stream is: inside the greeting, a frame, or between frames."""

    def __init__(self):
        self.greeting_left = 64
        self.header = b""   # the frame header read so far (flags + size bytes)
        self.body_left = 0
        self.lost = False   # a flags byte with unknown bits: not ZMTP 3 as we read it

    def feed(self, data):
        i, n = 0, len(data)
        while i < n and not self.lost:
            if self.greeting_left:
                take = min(self.greeting_left, n - i)
                self.greeting_left -= take
                i += take
            elif self.body_left:
                take = min(self.body_left, n - i)
                self.body_left -= take
                i += take
            else:
                self.header += data[i:i + 1]
                i += 1
                flags = self.header[0]
                if flags & ~0x07:
                    self.lost = True
                    break
                need = 9 if flags & 0x02 else 2
                if len(self.header) == need:
                    if need == 9:
                        self.body_left = struct.unpack(">Q", self.header[1:9])[0]
                    else:
                        self.body_left = self.header[1]
                    self.header = b""

    def mid_message(self):
        if self.lost:
            return False
        return bool(self.greeting_left not in (0, 64) or self.header or self.body_left)


class Proxy:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.stats = {"connections": 0, "cuts": 0, "cuts_mid_message": 0, "cuts_by_bytes": 0,
                      "cuts_by_lifetime": 0, "refused": 0, "outages": 0, "bytes_up": 0,
                      "bytes_down": 0, "framing_errors": 0, "cut_log": []}
        self.outage_until = 0.0
        host, port = args.target.rsplit(":", 1)
        self.target = (host, int(port))

    def write_stats(self):
        tmp = self.args.stats + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.stats, f)
        os.replace(tmp, self.args.stats)

    def cutting(self):
        return self.stats["cuts"] < self.args.max_cuts

    async def handle(self, client_reader, client_writer):
        loop = asyncio.get_running_loop()
        if loop.time() < self.outage_until or (
                self.args.outage_file and os.path.exists(self.args.outage_file)):
            self.stats["refused"] += 1
            self.write_stats()
            abort(client_writer, rst=True)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            abort(client_writer, rst=True)
            return
        self.stats["connections"] += 1
        self.write_stats()
        conn = {
            "budget": self.rng.randint(self.args.min_bytes, self.args.max_bytes),
            "done": False,
            "framers": {"up": Framer(), "down": Framer()},
            "writers": (client_writer, up_writer),
        }
        life = self.rng.uniform(self.args.min_life_ms, self.args.max_life_ms) / 1000.0
        timer = loop.call_later(life, lambda: self.cut(conn, "lifetime", None))
        try:
            await asyncio.gather(self.pump(conn, "up", client_reader, up_writer),
                                 self.pump(conn, "down", up_reader, client_writer))
        finally:
            timer.cancel()
            for w in conn["writers"]:
                abort(w, rst=False)

    async def pump(self, conn, direction, reader, writer):
        try:
            while not conn["done"]:
                data = await reader.read(65536)
                if not data:
                    break
                if conn["done"]:
                    break
                if self.cutting() and len(data) >= conn["budget"]:
                    part = data[:conn["budget"]]
                    conn["framers"][direction].feed(part)
                    writer.write(part)
                    self.stats["bytes_" + direction] += len(part)
                    try:
                        await writer.drain()
                    except (ConnectionError, OSError):
                        pass
                    self.cut(conn, "bytes", direction)
                    break
                conn["budget"] -= len(data)
                conn["framers"][direction].feed(data)
                writer.write(data)
                self.stats["bytes_" + direction] += len(data)
                await writer.drain()
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            if not conn["done"]:
                # One side ended by itself: end the other too.
                conn["done"] = True
                for w in conn["writers"]:
                    abort(w, rst=False)

    def cut(self, conn, why, direction):
        if conn["done"] or not self.cutting():
            return
        conn["done"] = True
        framers = conn["framers"]
        if direction is None:
            mid = framers["up"].mid_message() or framers["down"].mid_message()
        else:
            mid = framers[direction].mid_message()
        if framers["up"].lost or framers["down"].lost:
            self.stats["framing_errors"] += 1
        rst = self.rng.random() < 0.5
        for w in conn["writers"]:
            abort(w, rst=rst)
        self.stats["cuts"] += 1
        self.stats["cuts_by_" + why] += 1
        if mid:
            self.stats["cuts_mid_message"] += 1
        self.stats["cut_log"].append({"why": why, "direction": direction, "mid_message": mid,
                                      "rst": rst})
        if self.rng.random() < self.args.outage_prob:
            loop = asyncio.get_running_loop()
            self.outage_until = loop.time() + self.rng.uniform(
                0.1, self.args.outage_max_ms / 1000.0)
            self.stats["outages"] += 1
        self.write_stats()

    async def main(self):
        server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        self.write_stats()
        tmp = self.args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, self.args.port_file)
        async def keep_writing():  # the byte counts, now and then
            while True:
                await asyncio.sleep(0.5)
                self.write_stats()
        writer = asyncio.create_task(keep_writing())
        async with server:
            await server.serve_forever()
        writer.cancel()


def abort(writer, rst):
    """Closes a connection now: with RST (SO_LINGER 0) or a plain FIN, unflushed data dropped."""
    sock = writer.get_extra_info("socket")
    if rst and sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--target", required=True, help="host:port to forward to")
    p.add_argument("--port-file", required=True)
    p.add_argument("--stats", required=True)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--min-bytes", type=int, default=4096)
    p.add_argument("--max-bytes", type=int, default=262144)
    p.add_argument("--min-life-ms", type=float, default=1000)
    p.add_argument("--max-life-ms", type=float, default=6000)
    p.add_argument("--outage-prob", type=float, default=0.3)
    p.add_argument("--outage-max-ms", type=float, default=1500)
    p.add_argument("--max-cuts", type=int, default=1 << 30)
    p.add_argument("--outage-file", default=None,
                   help="while this file exists, every new connection is reset at once")
    args = p.parse_args()
    try:
        asyncio.run(Proxy(args).main())
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
