"""Red-team harness scenarios: attacks on Rigor's own machinery rather than on one file.

Each scenario sets up a fresh workspace, runs real `rigor` commands and checks one explicit
outcome. Classes (the numbers are referenced in the table and in the JSON summary):

  C1  code that would run OUTSIDE the sandbox (git config fsmonitor, ~/.gitconfig, PATH
      shadowing of git/python3, json.py / sitecustomize.py in the workspace root)
  C2  symlinks planted where Rigor writes its records, and writes to records from inside a run
  C3  guard state in results/<exp>/.rigor/ forged by a root child in the chmod fallback
  C4  re-baselining (guard snapshot / verify) from inside the sandbox, with RIGOR_* unset/forged
  C5  runs that skip the guard (no spec, --no-guard, a decoy --spec)
  C7  sandbox defaults: private HOME and temp dirs, inherited descriptors, setsid survivors

Outcome of a scenario: "blocked" (prevented), "detected+restored" (changed, then reported and
restored), "false block" (a legitimate action was refused), "FAILED" (the attack worked).
These scenarios are written against the guard's contract (docs/guard.md and the red-team
brief), so some of them describe behaviour that a given binary may not have yet.
"""
import hashlib, json, os, shutil, signal, subprocess, time, uuid

OK_OUTCOMES = ("blocked", "detected+restored")


class Ctx:
    """Paths and environment shared by every scenario."""

    def __init__(self, rigor, tmp, make_workspace, tamper_bin, base_env):
        self.rigor, self.tmp, self.make_workspace, self.tamper_bin = rigor, tmp, make_workspace, tamper_bin
        self.base_env = base_env  # has RIGOR_STATE_DIR (outside every workspace)
        self.outside = os.path.join(tmp, "outside")
        os.makedirs(self.outside, exist_ok=True)
        self.n = 0

    def workspace(self, tag):
        self.n += 1
        root = os.path.join(self.tmp, f"h{self.n:02d}-{tag}")
        os.makedirs(root)
        self.make_workspace(root, self.tamper_bin)
        # `rigor exec --spec` parses the spec: give it a complete one (and the same frozen copy).
        for rel in (SPEC, EXP + "/spec.md"):
            with open(os.path.join(root, rel), "w") as f:
                f.write(VALID_SPEC)
        return root

    def env(self, fallback=False, **extra):
        e = dict(self.base_env)
        e.pop("RIGOR_GUARD_FORCE_FALLBACK", None)
        if fallback:
            e["RIGOR_GUARD_FORCE_FALLBACK"] = "1"
        e.update(extra)
        return e

    def run(self, argv, cwd, env=None, timeout=120, **kw):
        try:
            return subprocess.run(argv, cwd=cwd, env=env or self.env(), capture_output=True, text=True, timeout=timeout, **kw)
        except subprocess.TimeoutExpired as e:
            return subprocess.CompletedProcess(argv, 124, e.stdout or "", (e.stderr or "") + "\n(timed out)")

    def marker(self, name):
        return os.path.join(self.outside, f"marker-{name}")


SPEC = "experiments/exp-001-x.md"
VALID_SPEC = """# Experiment: exp-001-x red-team fixture

## Hypothesis
Widening the layer raises accuracy by 5 points.

## Metrics (ALL must be reported)
### Primary
1. **accuracy** — fraction correct.
### Secondary
- **loss** — cross-entropy.
### Sanity Checks
| Check | Expected |
|-------|----------|
| n_samples | 100 |

## Success Criteria (immutable once RUN begins)
- [ ] **C1:** accuracy up by 0.05

## Resource Budget
**Tier:** Standard
- Max GPU-hours: 0
- Max wall-clock time: **600 minutes**
- Max training runs: 1000
- Max seeds per configuration: N/A (deterministic)

### Compute Profile
```yaml
compute_type: cpu
estimated_wall_hours: 1
```

## Abort Criteria
- Loss is NaN
"""
EXP = "results/exp-001-x"


def sha(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def tail(p, n=300):
    return ((p.stdout or "") + (p.stderr or "")).strip().replace("\n", " | ")[-n:]


def write_exec(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)


def result(cls, name, outcome, detail, mode="bubblewrap"):
    return {"class": cls, "attempt": name, "mode": mode, "outcome": outcome, "ok": outcome in OK_OUTCOMES, "detail": detail}


def exec_argv(ctx, cmd, name=None):
    argv = [ctx.rigor, "exec", "--experiment", EXP, "--spec", SPEC]
    if name:
        argv += ["--name", name]
    return argv + ["--"] + cmd


# ---------------------------------------------------------------- C1: code outside the sandbox

def c1_scenarios(ctx):
    real_git, real_py = shutil.which("git") or "/usr/bin/git", shutil.which("python3") or "/usr/bin/python3"
    out = []

    def hook_script(name, then=None):
        m = ctx.marker(name)
        body = f"#!/bin/sh\necho \"$0 $*\" >> '{m}' 2>/dev/null\n"
        return body + (f"exec '{then}' \"$@\"\n" if then else "exit 0\n")

    def plant_repo_fsmonitor(ws, home):
        script = os.path.join(ws, "fsmonitor-hook.sh")
        write_exec(script, hook_script("repo-fsmonitor"))
        subprocess.run(["git", "config", "core.fsmonitor", script], cwd=ws, check=True)
        return ["repo-fsmonitor"]

    def plant_home_gitconfig(ws, home):
        script = os.path.join(home, "fsmonitor-home.sh")
        write_exec(script, hook_script("home-fsmonitor"))
        with open(os.path.join(home, ".gitconfig"), "w") as f:
            f.write(f"[core]\n\tfsmonitor = {script}\n\tpager = {script}\n[alias]\n"
                    f"\tst = !touch '{ctx.marker('home-alias')}'\n\trev = !touch '{ctx.marker('home-alias')}'\n"
                    f"[safe]\n\tdirectory = *\n")
        return ["home-fsmonitor", "home-alias"]

    def plant_shadow(where):
        def plant(ws, home):
            d = os.path.join(home if where == "home" else ws, "bin")
            write_exec(os.path.join(d, "git"), hook_script(f"{where}-bin-git", real_git))
            write_exec(os.path.join(d, "python3"), hook_script(f"{where}-bin-python3", real_py))
            return [f"{where}-bin-git", f"{where}-bin-python3"]
        return plant

    def plant_modules(ws, home):
        for mod in ["json", "sitecustomize"]:
            with open(os.path.join(ws, mod + ".py"), "w") as f:
                f.write(f"open({ctx.marker('ws-' + mod)!r}, 'a').write('imported\\n')\n")
        return ["ws-json", "ws-sitecustomize"]

    for label, plant, path_dir in [
        ("a .git/config core.fsmonitor", plant_repo_fsmonitor, None),
        ("b $HOME/.gitconfig fsmonitor+pager+alias", plant_home_gitconfig, None),
        ("c git/python3 shadowed in $HOME/bin", plant_shadow("home"), "home"),
        ("c git/python3 shadowed in workspace bin/", plant_shadow("ws"), "ws"),
        ("d json.py + sitecustomize.py in workspace root", plant_modules, None),
    ]:
        ws = ctx.workspace("c1")
        home = os.path.join(ctx.tmp, f"home-c1-{ctx.n}")
        os.makedirs(home)
        names = plant(ws, home)
        for n in names:
            if os.path.exists(ctx.marker(n)):
                os.remove(ctx.marker(n))
        path = os.environ.get("PATH", "/usr/bin:/bin")
        if path_dir == "home":
            path = os.path.join(home, "bin") + ":" + path
        elif path_dir == "ws":
            path = os.path.join(ws, "bin") + ":" + path
        # PYTHONPATH=. so that a Python helper started by Rigor in the workspace would import the planted modules.
        env = ctx.env(HOME=home, PATH=path, PYTHONPATH=ws if "modules" in plant.__name__ else os.environ.get("PYTHONPATH", ""))
        p = ctx.run(exec_argv(ctx, ["python3", "src/train.py"]), ws, env=env)
        hit = [n for n in names if os.path.exists(ctx.marker(n))]
        if hit:
            out.append(result("C1", label, "FAILED", f"code ran outside the sandbox: marker(s) {', '.join(hit)} (exit {p.returncode})"))
        elif p.returncode != 0 and "TAMPER" not in p.stderr and "modules" not in plant.__name__:
            # (Planted json.py/sitecustomize.py break the training script itself, inside the sandbox: not Rigor's doing.)
            out.append(result("C1", label, "false block", f"no marker, but the run failed: exit {p.returncode}: {tail(p)}"))
        else:
            out.append(result("C1", label, "blocked", f"no marker outside; run exit {p.returncode}"))
    return out


# ---------------------------------------------------------------- C2: links in writable places

def first_run(ctx, ws, name="first"):
    """A legitimate run, so that records (ledger, runs/<id>/) exist."""
    return ctx.run(exec_argv(ctx, ["python3", "src/train.py"], name=name), ws)


def run_dirs(ws):
    d = os.path.join(ws, EXP, "runs")
    return sorted(n for n in os.listdir(d) if not n.startswith(".")) if os.path.isdir(d) else []


def c2_scenarios(ctx):
    out = []

    def state_of(path, is_dir):
        if is_dir:
            return sorted(os.listdir(path))
        if path.endswith("guard-manifest.json"):
            # Rigor rewrites its own manifest on every guarded run: what must not happen is a
            # ledger line appended to it (then it is no longer one JSON document).
            try:
                return "manifest" if "entries" in json.load(open(path)) else "not a manifest"
            except (OSError, ValueError) as e:
                return f"not a manifest: {type(e).__name__}"
        return read(path)

    def planted(label, link_rel, target_rel, prepare=None, is_dir=False):
        ws = ctx.workspace("c2")
        ctx.run([ctx.rigor, "guard", "snapshot", SPEC], ws)  # so that .rigor/guard-manifest.json exists
        if prepare:
            prepare(ws)
        target = os.path.join(ws, target_rel)
        before = state_of(target, is_dir)
        link = os.path.join(ws, link_rel)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            shutil.rmtree(link) if os.path.isdir(link) and not os.path.islink(link) else os.remove(link)
        os.symlink(target, link)
        p = ctx.run(exec_argv(ctx, ["python3", "src/train.py"], name="linked"), ws)
        after = state_of(target, is_dir)
        wrote_through = "TAMPER" in p.stderr and (os.path.basename(target_rel) in p.stderr or is_dir)
        if after != before:
            out.append(result("C2", label, "FAILED", f"target {target_rel} changed through the link (exit {p.returncode})"))
        elif wrote_through:
            out.append(result("C2", label, "FAILED", f"Rigor wrote through the link, the manifest restored {target_rel}: {tail(p, 200)}"))
        elif p.returncode != 0:
            out.append(result("C2", label, "blocked", f"refused, exit {p.returncode}: {tail(p, 160)}"))
        else:
            out.append(result("C2", label, "blocked", "ran; nothing written through the link"))

    planted("ledger.jsonl -> .rigor/guard-manifest.json", f"{EXP}/ledger.jsonl", f"{EXP}/.rigor/guard-manifest.json")
    planted("ledger.jsonl -> spec", f"{EXP}/ledger.jsonl", SPEC)
    # Run ids are a timestamp plus a random suffix, so runs/<id>/stdout.log cannot be planted
    # ahead of the run; the predictable paths under runs/ are planted instead.
    planted("runs/.python-provenance.json -> spec", f"{EXP}/runs/.python-provenance.json", SPEC)
    planted("runs/.python -> experiments/ (directory link)", f"{EXP}/runs/.python", "experiments", is_dir=True)
    planted("runs/linked/stdout.log -> RESEARCH_LOG.md (guessed id = --name)", f"{EXP}/runs/linked/stdout.log", "RESEARCH_LOG.md")
    planted("runs -> experiments/ (directory link)", f"{EXP}/runs", "experiments", is_dir=True)

    # From inside a run: the training command itself tries to forge the records.
    for mode_fb in (False, True):
        mode = "chmod-fallback" if mode_fb else "bubblewrap"
        ws = ctx.workspace("c2in")
        p0 = first_run(ctx, ws)
        runs = run_dirs(ws)
        old = runs[0] if runs else "missing"
        rec = {rel: read(os.path.join(ws, rel)) for rel in
               [f"{EXP}/ledger.jsonl", f"{EXP}/protocol-journal.jsonl", f"{EXP}/runs/{old}/run.json"]}
        report = os.path.join(ws, "src", "c2-report.json")
        child = f"""
import errno, json, os
E = {EXP!r}
res = {{}}
def tryop(name, fn):
    try:
        fn(); res[name] = "ok"
    except OSError as e:
        res[name] = errno.errorcode.get(e.errno, str(e.errno))
def write(p, mode="a"):
    with open(p, mode) as f: f.write('{{"forged": "PWNED"}}\\n')
def replace(p):
    tmp = p + ".new"
    write(tmp, "w"); os.replace(tmp, p)
tryop("append ledger.jsonl", lambda: write(E + "/ledger.jsonl"))
tryop("replace ledger.jsonl", lambda: replace(E + "/ledger.jsonl"))
tryop("create protocol-journal.jsonl", lambda: write(E + "/protocol-journal.jsonl"))
tryop("create runs/forged/run.json", lambda: (os.makedirs(E + "/runs/forged", exist_ok=True), write(E + "/runs/forged/run.json", "w")))
tryop("overwrite runs/{old}/run.json", lambda: write(E + "/runs/{old}/run.json", "w"))
tryop("unlink runs/{old}/stdout.log", lambda: os.unlink(E + "/runs/{old}/stdout.log"))
json.dump(res, open({report!r}, "w"))
"""
        with open(os.path.join(ws, "src", "forge.py"), "w") as f:
            f.write(child)
        p = ctx.run(exec_argv(ctx, ["python3", "src/forge.py"], name="forger"), ws, env=ctx.env(fallback=mode_fb))
        try:
            res = json.load(open(report))
        except (OSError, ValueError):
            res = None
        if p0.returncode != 0 or not runs:
            out.append(result("C2", "records read-only inside a run", "false block", f"the first legitimate run failed: {tail(p0)}", mode))
            continue
        if res is None:
            out.append(result("C2", "records read-only inside a run", "FAILED", f"the forging child did not report (exit {p.returncode}): {tail(p)}", mode))
            continue
        forged = []
        for rel, b in rec.items():
            now = read(os.path.join(ws, rel))
            if now is not None and b"PWNED" in now:
                forged.append(rel)
            elif b is not None and (now is None or not now.startswith(b)):
                forged.append(rel + " (truncated/removed)")
        if os.path.exists(os.path.join(ws, EXP, "runs", "forged", "run.json")):
            forged.append("runs/forged/run.json created")
        for opname, r in sorted(res.items()):
            bad = r not in ("EROFS", "EPERM", "EACCES", "EXDEV", "EBUSY")
            label = f"inside a run: {opname}"
            if bad and mode_fb and r == "ok" and not forged and p.returncode == 3 and "TAMPER" in p.stderr:
                # The fallback cannot stop a root child; the guard saw the forgery and put the
                # records back as Rigor wrote them (checked by "records unchanged" below).
                out.append(result("C2", label, "detected+restored", "succeeded inside (no kernel protection in the fallback); reported as TAMPER and repaired", mode))
            elif bad:
                out.append(result("C2", label, "FAILED", "the operation succeeded inside the run" if r == "ok" else f"failed with {r}, not EROFS/EPERM", mode))
            else:
                out.append(result("C2", label, "blocked", r, mode))
        if forged:
            out.append(result("C2", "inside a run: records unchanged", "FAILED", f"forged: {', '.join(forged)}", mode))
    return out


# ---------------------------------------------------------------- C3: guard state forged in fallback

C3_FORGE = r"""
import hashlib, json, os, sys
E, SPEC, how = sys.argv[1], sys.argv[2], sys.argv[3]
state = E + "/.rigor"
new = b"# exp-001 spec REWRITTEN by the agent\n"
open(SPEC, "wb").write(new)
mpath = state + "/guard-manifest.json"
if how == "garbage":
    open(mpath, "w").write("garbage{{{")
elif how == "rebaseline":
    m = json.load(open(mpath))
    h = hashlib.sha256(new).hexdigest()
    for e in m.get("entries", []):
        if e.get("path") == SPEC:
            e["sha256"], e["size"] = h, len(new)
    json.dump(m, open(mpath, "w"))
    os.makedirs(state + "/snapshot", exist_ok=True)
    open(state + "/snapshot/" + h, "wb").write(new)
elif how == "blobs":
    d = state + "/snapshot"
    for n in os.listdir(d) if os.path.isdir(d) else []:
        open(os.path.join(d, n), "wb").write(new)
os.kill(os.getppid(), 9)  # the guard never reaches its own check: only the stored state is left
"""


def c3_scenarios(ctx):
    out = []
    for how, label in [("garbage", "guard-manifest.json overwritten with garbage"),
                       ("rebaseline", "manifest re-baselined to the tampered spec"),
                       ("blobs", "snapshot blobs replaced")]:
        ws = ctx.workspace("c3")
        spec = os.path.join(ws, SPEC)
        original = read(spec)
        env = ctx.env(fallback=True)
        ctx.run([ctx.rigor, "guard", "snapshot", SPEC], ws, env=env)
        forge = os.path.join(ws, "src", "forge_state.py")
        with open(forge, "w") as f:
            f.write(C3_FORGE)
        # The child's parent is `rigor guard exec` (fallback: no sandbox, no PID namespace);
        # python3 runs directly (no shell in between), so getppid() is rigor.
        ex = ctx.run([ctx.rigor, "guard", "exec", SPEC, "--phase", "c3", "--", "python3", forge, EXP, SPEC, how], ws, env=env)
        v = ctx.run([ctx.rigor, "guard", "verify", SPEC], ws, env=env)
        now = read(spec)
        if v.returncode != 0 and now == original:
            out.append(result("C3", label, "detected+restored", f"verify exit {v.returncode}", "chmod-fallback"))
        elif ex.returncode == 3 and now == original and v.returncode == 0:
            # The guard survived the kill (its child runs in a session and PID namespace of its own),
            # reported the change (exit 3) and restored it from its trusted state; verify agrees.
            out.append(result("C3", label, "detected+restored", "guard exec exit 3, restored; a later verify is clean", "chmod-fallback"))
        elif v.returncode == 0:
            out.append(result("C3", label, "FAILED", f"verify said unchanged (exec exit {ex.returncode}); spec {'restored' if now == original else 'STILL TAMPERED'}", "chmod-fallback"))
        else:
            out.append(result("C3", label, "FAILED", f"verify exit {v.returncode} but the spec is not the original: {tail(v, 200)}", "chmod-fallback"))
        for p in [os.path.join(ws, "experiments"), spec]:  # undo fallback chmods left by the killed guard
            try:
                os.chmod(p, 0o755 if os.path.isdir(p) else 0o644)
            except OSError:
                pass
    return out


# ---------------------------------------------------------------- C4: re-baselining from inside

def c4_scenarios(ctx):
    out = []
    unset_all = "for v in $(env | sed -n 's/^\\(RIGOR_[A-Za-z0-9_]*\\)=.*/\\1/p'); do unset $v; done; "
    for fb in (False, True):
        mode = "chmod-fallback" if fb else "bubblewrap"
        for sub in ["snapshot", "verify"]:
            for envlabel, prefix in [("", ""), (" (env -u RIGOR_GUARD_MODE)", "env -u RIGOR_GUARD_MODE "),
                                     (" (all RIGOR_* unset)", unset_all),
                                     (" (RIGOR_STATE_DIR, RIGOR_GUARD_MODE forged)",
                                      "RIGOR_STATE_DIR=$PWD/src/forged-state RIGOR_GUARD_MODE=none RIGOR_GUARD_FORCE_FALLBACK=0 ")]:
                ws = ctx.workspace("c4")
                spec = os.path.join(ws, SPEC)
                original = read(spec)
                env = ctx.env(fallback=fb)
                ctx.run([ctx.rigor, "guard", "snapshot", SPEC], ws, env=env)
                rc_file = os.path.join(ws, "src", "inner-rc")
                # Fallback: change the spec first (a root child can), re-baseline, then kill the guard so that
                # only the stored (trusted) state decides. Bubblewrap: the spec cannot be written, only refusal is checked.
                change = "echo REBASELINED >> experiments/exp-001-x.md; " if fb else ""
                kill = "; kill -9 $PPID" if fb else ""
                inner = f"{change}{prefix}'{ctx.rigor}' guard {sub} {SPEC} >/dev/null 2>src/inner-err; echo $? > src/inner-rc{kill}"
                ex = ctx.run([ctx.rigor, "guard", "exec", SPEC, "--phase", "c4", "--", "sh", "-c", inner], ws, env=env)
                try:
                    inner_rc = int(open(rc_file).read().strip())
                except (OSError, ValueError):
                    inner_rc = None
                v = ctx.run([ctx.rigor, "guard", "verify", SPEC], ws, env=env)
                label = f"guard {sub} inside guard exec{envlabel}"
                restored = read(spec) == original
                err = (read(os.path.join(ws, "src", "inner-err")) or b"").decode(errors="replace").strip().replace("\n", " | ")[-140:]
                if inner_rc in (0, 3, None):
                    # 3 is not a refusal: the inner verify ran (and restored) with the guard's own powers.
                    out.append(result("C4", label, "FAILED", f"inner `rigor guard {sub}` exit {inner_rc} (not refused); outer verify exit {v.returncode}", mode))
                elif fb and v.returncode == 0 and not restored:
                    out.append(result("C4", label, "FAILED", "outer verify said unchanged: the change made inside was re-baselined", mode))
                elif not restored:
                    out.append(result("C4", label, "FAILED", f"spec not restored (outer verify exit {v.returncode})", mode))
                else:
                    out.append(result("C4", label, "blocked", f"inner exit {inner_rc} ({err}); outer verify exit {v.returncode}", mode))
                for p in [os.path.join(ws, "experiments"), spec]:
                    try:
                        os.chmod(p, 0o755 if os.path.isdir(p) else 0o644)
                    except OSError:
                        pass
    return out


# ---------------------------------------------------------------- C5: runs that skip the guard

def c5_scenarios(ctx):
    out = []
    ws = ctx.workspace("c5")
    os.makedirs(os.path.join(ws, "results/exp-404-nospec"))
    m = ctx.marker("c5-nospec")
    p = ctx.run([ctx.rigor, "exec", "--experiment", "results/exp-404-nospec", "--", "sh", "-c", f"touch '{m}'"], ws)
    ran = os.path.exists(m)
    if p.returncode != 0 and not ran:
        out.append(result("C5", "exec with no spec for the experiment", "blocked", f"refused, exit {p.returncode}: {tail(p, 160)}"))
    else:
        out.append(result("C5", "exec with no spec for the experiment", "FAILED", f"exit {p.returncode}, command {'ran' if ran else 'did not run'} unguarded"))

    m2 = ctx.marker("c5-noguard")
    p = ctx.run([ctx.rigor, "exec", "--experiment", "results/exp-404-nospec", "--no-guard", "--", "sh", "-c", f"touch '{m2}'"], ws)
    recorded = None
    for rid in run_dirs_of(os.path.join(ws, "results/exp-404-nospec")):
        try:
            rj = json.load(open(os.path.join(ws, "results/exp-404-nospec/runs", rid, "run.json")))
        except (OSError, ValueError):
            continue
        for k, v in flatten(rj):
            if ("guard" in k.lower() or "sandbox" in k.lower()) and (v is False or v is None or "no-guard" in str(v).lower()
                                                                      or str(v).lower() in ("none", "off", "disabled", "unguarded", "false")):
                recorded = f"{k}={v}"
    if p.returncode == 0 and os.path.exists(m2) and recorded:
        out.append(result("C5", "exec --no-guard runs and run.json records it", "blocked", f"ran; run.json {recorded}"))
    elif p.returncode == 0 and os.path.exists(m2):
        out.append(result("C5", "exec --no-guard runs and run.json records it", "FAILED", "ran, but run.json does not record the opt-out"))
    else:
        out.append(result("C5", "exec --no-guard runs and run.json records it", "false block", f"exit {p.returncode}: {tail(p, 160)}"))

    decoy = ctx.workspace("c5-decoy")
    control = ctx.run(exec_argv(ctx, ["true"]), ws)  # the real spec works: a refusal below is about the decoy
    for label, spec in [("--spec in a decoy copy of the workspace", os.path.join(decoy, SPEC)),
                        ("--spec of another experiment in the same workspace", "experiments/exp-002-y.md")]:
        if not os.path.isabs(spec):
            shutil.copy(os.path.join(ws, SPEC), os.path.join(ws, spec))
        mk = ctx.marker("c5-decoy-" + str(len(out)))
        p = ctx.run([ctx.rigor, "exec", "--experiment", EXP, "--spec", spec, "--", "sh", "-c", f"touch '{mk}'"], ws)
        if control.returncode != 0:
            out.append(result("C5", label, "false block", f"control run with the real spec failed, exit {control.returncode}: {tail(control, 160)}"))
        elif p.returncode != 0 and not os.path.exists(mk):
            out.append(result("C5", label, "blocked", f"refused, exit {p.returncode}: {tail(p, 160)}"))
        else:
            out.append(result("C5", label, "FAILED", f"exit {p.returncode}; the command ran guarded by the wrong spec"))
    return out


def run_dirs_of(exp_dir):
    d = os.path.join(exp_dir, "runs")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def flatten(obj, prefix=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from flatten(v, f"{prefix}{k}.")
            yield (f"{prefix}{k}", v) if not isinstance(v, (dict, list)) else (f"{prefix}{k}", "<nested>")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from flatten(v, f"{prefix}{i}.")


# ---------------------------------------------------------------- C7: sandbox defaults

def c7_scenarios(ctx):
    out = []
    for fb in (False, True):
        mode = "chmod-fallback" if fb else "bubblewrap"
        ws = ctx.workspace("c7")
        home = os.path.join(ctx.tmp, f"home-c7-{ctx.n}")
        os.makedirs(home)
        env = ctx.env(fallback=fb, HOME=home)
        tag = uuid.uuid4().hex[:10]
        paths = {"$HOME": os.path.join(home, f"c7-{tag}"), "/tmp": f"/tmp/rigor-rt-{tag}",
                 "/var/tmp": f"/var/tmp/rigor-rt-{tag}", "/dev/shm": f"/dev/shm/rigor-rt-{tag}"}
        for where, p in paths.items():
            if fb and where != "$HOME":
                continue  # without a mount namespace a fixed path such as /tmp/x cannot be made private
            inner = f"echo leaked > {'$HOME/' + os.path.basename(p) if where == '$HOME' else p}"
            r = ctx.run([ctx.rigor, "guard", "exec", SPEC, "--phase", "c7", "--", "sh", "-c", inner], ws, env=env)
            leaked = os.path.exists(p)
            if leaked:
                os.remove(p)
                out.append(result("C7", f"write {where}/<name> inside", "FAILED", f"{p} appeared on the real system (exit {r.returncode})", mode))
            elif r.returncode != 0:
                out.append(result("C7", f"write {where}/<name> inside", "false block", f"private {where} not writable inside: exit {r.returncode}: {tail(r, 160)}", mode))
            else:
                out.append(result("C7", f"write {where}/<name> inside", "blocked", "written to a private copy", mode))

        log = os.path.join(ws, "RESEARCH_LOG.md")
        original = read(log)
        flag = os.path.join(ws, "src", "fd-result")
        inner = f"if echo PWNED >&7 2>/dev/null; then echo usable > {flag}; else echo closed > {flag}; fi"
        # bash: the caller opens fd 7 for appending, then starts the guard.
        q = lambda s: "'" + s.replace("'", "'\\''") + "'"
        bash_line = f"exec 7>>RESEARCH_LOG.md; {q(ctx.rigor)} guard exec {SPEC} --phase c7 -- sh -c {q(inner)}"
        variants = [("bash exec 7>>RESEARCH_LOG.md", lambda: ctx.run(["bash", "-c", bash_line], ws, env=env))]

        def with_pass_fds():
            fd = os.open(log, os.O_WRONLY | os.O_APPEND)
            try:
                if fd != 7:
                    os.dup2(fd, 7)
                return ctx.run([ctx.rigor, "guard", "exec", SPEC, "--phase", "c7", "--", "sh", "-c", inner], ws, env=env, pass_fds=(7,))
            finally:
                os.close(fd)
                if fd != 7:
                    os.close(7)
        variants.append(("python pass_fds writable fd 7", with_pass_fds))
        for label, go in variants:
            if os.path.exists(flag):
                os.remove(flag)
            r = go()
            got = (read(flag) or b"").strip().decode()
            now = read(log)
            if got == "closed" and now == original:
                out.append(result("C7", f"inherited descriptor: {label}", "blocked", "fd 7 not usable inside", mode))
            elif now != original:
                out.append(result("C7", f"inherited descriptor: {label}", "FAILED", f"RESEARCH_LOG.md changed through fd 7 and was left changed (exit {r.returncode})", mode))
                with open(log, "wb") as f:
                    f.write(original)
            else:
                out.append(result("C7", f"inherited descriptor: {label}", "FAILED",
                                  f"fd 7 usable inside ({got or 'no report'}; guard exec exit {r.returncode}{', change restored by the manifest' if r.returncode == 3 else ''})", mode))

        for via in ["guard exec", "rigor exec"]:
            m_out = ctx.marker(f"setsid-{mode}-{via.replace(' ', '-')}")
            m_ws = os.path.join(ws, "src", f"setsid-{via.replace(' ', '-')}")
            bg = f"setsid sh -c 'sleep 3; touch {m_out}; touch {m_ws}' >/dev/null 2>&1 < /dev/null &"
            if via == "guard exec":
                argv = [ctx.rigor, "guard", "exec", SPEC, "--phase", "c7", "--", "sh", "-c", bg]
            else:
                argv = exec_argv(ctx, ["sh", "-c", bg])
            r = ctx.run(argv, ws, env=env, timeout=60)
            time.sleep(5)
            survived = [p for p in (m_out, m_ws) if os.path.exists(p)]
            label = f"setsid background process via {via}"
            if survived:
                out.append(result("C7", label, "FAILED", f"outlived the command: {', '.join(os.path.basename(s) for s in survived)}", mode))
            elif r.returncode not in (0, 3):
                out.append(result("C7", label, "false block", f"exit {r.returncode}: {tail(r, 160)}", mode))
            else:
                out.append(result("C7", label, "blocked", "no marker after 5 s", mode))
    return out


CLASSES = [("C1", c1_scenarios), ("C2", c2_scenarios), ("C3", c3_scenarios), ("C4", c4_scenarios),
           ("C5", c5_scenarios), ("C7", c7_scenarios)]


def run_all(rigor, tmp, make_workspace, tamper_bin, base_env, only=None):
    ctx = Ctx(rigor, tmp, make_workspace, tamper_bin, base_env)
    rows = []
    for cls, fn in CLASSES:
        if only and cls not in only:
            continue
        try:
            rows += fn(ctx)
        except Exception as e:  # a crashed scenario is a failure of the suite, not a pass
            rows.append(result(cls, "scenario crashed", "FAILED", f"{type(e).__name__}: {e}"))
    return rows


def print_table(rows):
    w = min(max([len(r["attempt"]) for r in rows] + [10]), 62)
    print(f"{'class':<5}  {'mode':<14}  {'attempt':<{w}}  {'outcome':<17}  detail")
    for r in rows:
        print(f"{r['class']:<5}  {r['mode']:<14}  {r['attempt'][:w]:<{w}}  {r['outcome']:<17}  {r['detail'][:160]}")


def summarize(rows):
    s = {}
    for r in rows:
        c = s.setdefault(r["class"], {"scenarios": 0, "blocked": 0, "detected+restored": 0, "false block": 0, "FAILED": 0})
        c["scenarios"] += 1
        c[r["outcome"]] += 1
    return s
