#!/usr/bin/env python3
"""perfetto_schema_check.py FILE: reads a Perfetto trace written by
`gotraceview export --perfetto` with Perfetto's own generated protobuf
classes (PyPI `perfetto`, perfetto_trace_pb2) and checks that every field
is one the schema knows, that every event is on a described track, and
that every flow that ends also begins. Prints one line; exits 1 on a
problem, 2 when the `perfetto` package is missing."""
import sys

try:
    from google.protobuf import unknown_fields
    from perfetto.protos.perfetto.trace import perfetto_trace_pb2 as pb
except ImportError as e:
    print(f"perfetto_schema_check: {e} (pip install perfetto)")
    sys.exit(2)


def unknown(m, path, out):
    u = unknown_fields.UnknownFieldSet(m)
    if len(u):
        out.append(f"{path}: fields {[f.field_number for f in u]}")
    for fd, v in m.ListFields():
        if fd.type == fd.TYPE_MESSAGE:
            for x in (v if fd.is_repeated else [v]):
                unknown(x, f"{path}.{fd.name}", out)


def main(path):
    t = pb.Trace()
    t.ParseFromString(open(path, "rb").read())
    problems, tracks, starts, ends, events = [], set(), set(), set(), 0
    for i, p in enumerate(t.packet):
        unknown(p, f"packet {i}", problems)
        if p.HasField("track_descriptor"):
            tracks.add(p.track_descriptor.uuid)
        if p.HasField("track_event"):
            events += 1
            e = p.track_event
            if e.track_uuid not in tracks:
                problems.append(f"packet {i}: event on undescribed track {e.track_uuid:#x}")
            starts.update(e.flow_ids)
            ends.update(e.terminating_flow_ids)
    if ends - starts:
        problems.append(f"{len(ends - starts)} flows end without a beginning")
    if problems:
        print(f"{path}: {len(problems)} problems: {problems[:5]}")
        sys.exit(1)
    print(f"{path}: {len(t.packet)} packets, {len(tracks)} tracks, {events} events, {len(starts)} flows: all in Perfetto's schema")


if __name__ == "__main__":
    main(sys.argv[1])
