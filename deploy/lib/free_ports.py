#!/usr/bin/env python3
"""free_ports.py N: prints N distinct free TCP ports on 127.0.0.1, space-separated.

For the services a script starts. The ports are picked at random below the kernel's ephemeral range
(net.ipv4.ip_local_port_range), which is where bind(("", 0)) would pick: any outgoing connection on
the machine (a Kafka client, a JVM tool, curl) can take an ephemeral port between our pick and the
service's bind, but never a port below that range.
"""
import random
import socket
import sys

FLOOR = 10240  # above the ports the README's defaults use (7401-7413, 9092-9093)

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
    ephemeral_low = int(f.read().split()[0])
held = []
while len(held) < n:
    s = socket.socket()
    try:
        # Outside the ephemeral range when there is room below it; bind(0) otherwise.
        s.bind(("127.0.0.1", random.randrange(FLOOR, ephemeral_low) if ephemeral_low > FLOOR + 1000 else 0))
        held.append(s)  # held until all are picked, so none is picked twice
    except OSError:
        s.close()
print(" ".join(str(s.getsockname()[1]) for s in held))
