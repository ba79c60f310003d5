"""Rigor metric events: report metrics from a training script to the Rigor supervisor.

    import rigor
    rigor.log(step=10, loss=0.52, acc=0.81)   # one event per call
    rigor.final(val_acc=0.83)                  # the run's final values
    seed = rigor.seed()                        # the run's seed (RIGOR_SEED), 0 outside Rigor
    rigor.flush()                              # send buffered events now (rarely needed)

Under `rigor exec` the supervisor names an inherited pipe in RIGOR_EVENTS_FD; each event is
one JSON line on it. An event logged after a quiet spell (no write for FLUSH_SECONDS) is
written at once; events logged in quick succession are batched and written at most
FLUSH_SECONDS after the batch's first event: by the logging call that finds the batch that
old, else by a small daemon thread (which wakes at most once per FLUSH_SECONDS while events
flow, and sleeps when they stop), at 4096 bytes, by `final()`, `flush()`, before `os.fork()`
and at interpreter exit. Every write is at most 4096 bytes of whole lines, so it is atomic
on the pipe and forked workers may log too (a forked child writes each event at once).
Events still buffered when the process dies without running atexit (os._exit, SIGKILL,
default SIGTERM) are lost: at most FLUSH_SECONDS of them.
Outside Rigor, or once the supervisor has gone, every call does nothing and raises nothing.
NaN and +/-Infinity are sent as Python's json writes them. Standard library only.
"""
import atexit as _atexit
import json as _json
import os as _os
import threading as _threading
import time as _time

__all__ = ["log", "final", "flush", "seed", "enabled", "DEFAULT_SEED", "FLUSH_SECONDS"]

#: The seed `seed()` returns outside Rigor (or when the run has no seed).
DEFAULT_SEED = 0
#: The longest time a logged event waits in the buffer before it is written.
FLUSH_SECONDS = 0.002

_PIPE_BUF = 4096
_fd = None
_checked = False
_direct = False          # True in a forked child: write each event at once
_buffer = []             # pending lines (str, each ending in "\n")
_buffered_bytes = 0
_last_write = 0          # time.time_ns() of the last write
_first_ns = 0            # time.time_ns() of the first event of the pending batch
_write_lock = _threading.Lock()
_wake = _threading.Event()
_flusher = None
_watching = False        # the flusher thread is watching the pending batch (not idle)
_templates = {}          # tuple of keys -> format of a `log` line with an int step and number values
_PLAIN = frozenset((float, int))
_dumps = _json.JSONEncoder(separators=(",", ":")).encode
_key_text = {}           # key -> '"key":' (JSON-escaped once per key)
_now_ns = _time.time_ns
_FLUSH_NS = int(FLUSH_SECONDS * 1e9)


def _channel():
    # Runs once, at import (imports are serialised, so no thread can see a half-made
    # decision and drop its events).
    global _fd, _checked
    if not _checked:
        try:
            fd = int(_os.environ.get("RIGOR_EVENTS_FD", ""))
            _os.fstat(fd)
            _atexit.register(flush)
            if hasattr(_os, "register_at_fork"):
                _os.register_at_fork(before=flush, after_in_child=_after_fork_in_child)
            _fd = fd
        except Exception:
            _fd = None
        _checked = True
    return _fd


def _after_fork_in_child():
    # The parent flushed before the fork; the child writes each event at once (it has no
    # flusher thread, and workers often leave through os._exit, which skips atexit).
    global _buffered_bytes, _direct, _write_lock
    _buffer.clear()
    _buffered_bytes = 0
    _direct = True
    _write_lock = _threading.Lock()  # a thread of the parent may have held it at fork time


def _number(value):
    # numpy / torch scalars and anything with __float__ become plain floats.
    try:
        return float(value)
    except Exception:
        return str(value)


def _key(k):
    text = _key_text.get(k)
    if text is None:
        text = _json.dumps(str(k)) + ":"
        if len(_key_text) < 10000:
            _key_text[k] = text
    return text


def _value(v):
    """JSON text of one value, as json.dumps writes it (NaN/Infinity as bare tokens)."""
    t = type(v)
    if t is float or t is int:
        return repr(v) if v - v == 0 else _json.dumps(v)
    try:
        return _dumps(v)
    except (TypeError, ValueError):
        return _dumps(_number(v))


def _line(now_ns, kind, step, values):
    keys = _key_text
    parts = []
    for k, v in values.items():
        t = type(v)
        if (t is float or t is int) and v - v == 0:   # finite float or plain int: repr is its JSON
            parts.append((keys.get(k) or _key(k)) + repr(v))
        else:
            parts.append((keys.get(k) or _key(k)) + _value(v))
    us = now_ns // 1000  # the Unix time in microseconds: cheaper to write than repr(float)
    if step is None:
        return '{"t":%d.%06d,"kind":"%s","values":{%s}}\n' % (us // 1000000, us % 1000000, kind, ",".join(parts))
    step = repr(step) if type(step) is int else _value(_number(step))
    return '{"t":%d.%06d,"kind":"%s","step":%s,"values":{%s}}\n' % (us // 1000000, us % 1000000, kind, step, ",".join(parts))


def _template(keys):
    # The whole line of `log(step=<int>, **values)` with these keys, as a %-format taking
    # seconds, microseconds, the step and each value's text.
    body = ",".join(_key(k).replace("%", "%%") + "%s" for k in keys)
    text = '{"t":%d.%06d,"kind":"log","step":%d,"values":{' + body + '}}\n'
    if len(_templates) < 1000:
        _templates[keys] = text
    return text


def _write_all(fd, data):
    while data:
        written = _os.write(fd, data)
        data = data[written:]


def flush():
    """Write buffered events now (also done by final(), before fork and at exit)."""
    global _buffered_bytes, _last_write, _fd
    fd = _fd
    if fd is None:
        del _buffer[:]  # the supervisor has gone: nothing to keep (and nothing for the thread to wait on)
        return
    with _write_lock:
        if not _buffer:
            return
        lines = _buffer[:]
        del _buffer[:len(lines)]
        _buffered_bytes = 0
        _last_write = _now_ns()
        try:
            data = "".join(lines).encode("utf-8")
            if len(data) <= _PIPE_BUF:
                _write_all(fd, data)
            else:
                chunk = []
                size = 0
                for line in lines:
                    data = line.encode("utf-8")
                    if size + len(data) > _PIPE_BUF and chunk:
                        _write_all(fd, b"".join(chunk))
                        chunk = []
                        size = 0
                    chunk.append(data)
                    size += len(data)
                if chunk:
                    _write_all(fd, b"".join(chunk))
        except Exception:
            _fd = None  # the supervisor has gone (EPIPE) or the fd was closed: stay silent
            return
    if _buffer and not _direct and not _watching:
        _arm_flusher()  # lines appended while this flush was taking its copy


def _flush_loop():
    # Sleeps until the pending batch is FLUSH_SECONDS old and writes it unless a logging
    # call did; while events keep coming it only looks once per batch (no wake-up per event,
    # few hand-overs of the GIL). Idle (waiting on _wake) once a look finds nothing pending.
    global _watching
    while True:
        _wake.wait()
        _wake.clear()
        while True:
            if _buffer:
                wait = _first_ns + _FLUSH_NS - _now_ns()
                if 0 < wait <= _FLUSH_NS:
                    _time.sleep(wait / 1e9)
                else:
                    flush()
                continue
            _watching = False
            if not _buffer:
                break    # a line appended from now on finds _watching False and sets _wake
            _watching = True


def _arm_flusher():
    global _flusher, _watching
    _watching = True
    if _flusher is None or not _flusher.is_alive():
        try:
            _flusher = _threading.Thread(target=_flush_loop, name="rigor-events-flush", daemon=True)
            _flusher.start()
        except Exception:
            _flusher = None
            _watching = False
            flush()
            return
    _wake.set()


def _send(kind, step, values, urgent=False):
    if _fd is None and (_checked or _channel() is None):
        return
    now = _now_ns()
    try:
        line = _line(now, kind, step, values)
    except Exception:
        return
    # An event holding NaN/Infinity (what abort rules most often watch) goes out at once.
    _enqueue(line, now, urgent or "NaN" in line or "Infinity" in line)


def _enqueue(line, now, urgent):
    global _buffered_bytes, _first_ns
    _buffer.append(line)
    _buffered_bytes += len(line)
    # An event after a quiet spell goes out at once; a burst is batched and written by the
    # call that finds its first event FLUSH_SECONDS old (or by the flusher thread). (Wall-
    # clock time: a clock jump only changes when a batch goes.)
    if urgent or _direct or _buffered_bytes >= _PIPE_BUF:
        flush()
    elif len(_buffer) == 1:
        if not 0 <= now - _last_write < _FLUSH_NS:
            flush()
        else:
            _first_ns = now
            if not _watching:
                _arm_flusher()
    elif not 0 <= now - _first_ns < _FLUSH_NS:
        flush()


def enabled():
    """True when running under a Rigor supervisor that receives events."""
    return _channel() is not None


def log(step=None, **values):
    """Report metric values, optionally at a training step: log(step=5, loss=0.3)."""
    if _fd is None and (_checked or _channel() is None):
        return
    now = _now_ns()
    # The usual call (an int step, plain finite floats and ints) is one %-format of a
    # template kept per set of keys: %s of a float or an int is its repr, which is what json
    # writes. A finite sum means every value is finite. Anything else (bools, strings, NaN,
    # numpy/torch scalars, no step) takes the general path.
    try:
        vals = values.values()
        if type(step) is not int or not _PLAIN.issuperset(map(type, vals)):
            raise ValueError
        total = sum(vals)
        if total - total != 0:
            raise ValueError
        line = (_templates.get(tuple(values)) or _template(tuple(values))) % (
            now // 1000000000, now // 1000 % 1000000, step, *vals)
    except Exception:
        _send("log", step, values)
        return
    _enqueue(line, now, False)


def final(**values):
    """Report the run's final metric values: final(val_acc=0.83). Written at once."""
    _send("final", None, values, urgent=True)


def seed():
    """The run's seed from RIGOR_SEED; DEFAULT_SEED (0) outside Rigor or when unset or invalid."""
    try:
        return int(_os.environ["RIGOR_SEED"])
    except Exception:
        return DEFAULT_SEED


_channel()
