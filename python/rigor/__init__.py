"""Rigor metric events: report metrics from a training script to the Rigor supervisor.

    import rigor
    rigor.log(step=10, loss=0.52, acc=0.81)   # one event per call
    rigor.final(val_acc=0.83)                  # the run's final values
    seed = rigor.seed()                        # the run's seed (RIGOR_SEED), 0 outside Rigor

Under `rigor exec` the supervisor names an inherited pipe in RIGOR_EVENTS_FD; each call
writes one JSON line to it with a single write(2) (lines up to 4096 bytes are atomic, so
forked workers may log too). Outside Rigor, or once the supervisor has gone, every call
does nothing and raises nothing. NaN and +/-Infinity are sent as Python's json writes them.
Zero dependencies: standard library only.
"""
import json as _json
import os as _os
import time as _time

__all__ = ["log", "final", "seed", "enabled", "DEFAULT_SEED"]

#: The seed `seed()` returns outside Rigor (or when the run has no seed).
DEFAULT_SEED = 0

_fd = None
_checked = False


def _channel():
    global _fd, _checked
    if not _checked:
        _checked = True
        try:
            fd = int(_os.environ.get("RIGOR_EVENTS_FD", ""))
            _os.fstat(fd)
            _fd = fd
        except Exception:
            _fd = None
    return _fd


def _number(value):
    # numpy / torch scalars and anything with __float__ become plain floats.
    try:
        return float(value)
    except Exception:
        return str(value)


def _send(kind, step, values):
    fd = _channel()
    if fd is None:
        return
    global _fd
    try:
        event = {"t": _time.time(), "kind": kind}
        if step is not None:
            event["step"] = step if isinstance(step, int) else _number(step)
        event["values"] = values
        try:
            line = _json.dumps(event, separators=(",", ":"))
        except (TypeError, ValueError):
            event["values"] = {k: (v if isinstance(v, (int, float, str, bool)) or v is None else _number(v))
                               for k, v in values.items()}
            line = _json.dumps(event, separators=(",", ":"))
        data = (line + "\n").encode("utf-8")
        while data:
            written = _os.write(fd, data)
            data = data[written:]
    except Exception:
        _fd = None  # the supervisor has gone (EPIPE) or the fd was closed: stay silent


def enabled():
    """True when running under a Rigor supervisor that receives events."""
    return _channel() is not None


def log(step=None, **values):
    """Report metric values, optionally at a training step: log(step=5, loss=0.3)."""
    _send("log", step, values)


def final(**values):
    """Report the run's final metric values: final(val_acc=0.83)."""
    _send("final", None, values)


def seed():
    """The run's seed from RIGOR_SEED; DEFAULT_SEED (0) outside Rigor or when unset or invalid."""
    try:
        return int(_os.environ["RIGOR_SEED"])
    except Exception:
        return DEFAULT_SEED
