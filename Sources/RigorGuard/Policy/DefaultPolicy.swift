// The built-in command policy, as YAML data (format: docs/command-policy.md).
//
// It is embedded rather than shipped as a bundle resource so the `rigor` binary that
// Claude Code calls as a hook is self-contained wherever it is installed: a missing
// resource would otherwise make the hook deny everything. A workspace can replace it with
// `.rigor/command-policy.yaml`, and `--policy FILE` overrides both.

extension CommandPolicy {
    /// The default rules, parsed with Yams like any user file.
    public static let defaultYAML = #"""
version: 1

# Commands denied wherever they appear (after wrappers, shells, find -exec, xargs …).
deny_commands:
  - rule: permission-change
    names: [chmod, chown, chgrp, chattr, setfacl, lchown, chcon, setfattr]
    reason: changes permissions, ownership or attributes; the RUN phase must never do this
  - rule: privilege
    names: [sudo, su, doas, pkexec, run0, sg, newgrp, setpriv, capsh]
    reason: runs with other privileges
  - rule: coreutils-install
    names: [install]
    reason: "`install` copies files and sets modes and owners"
  - rule: mount
    names: [mount, umount, umount2, fusermount, fusermount3, losetup, pivot_root, chroot, unshare, nsenter, bwrap]
    reason: changes mounts or namespaces (could undo the read-only protection)

# Commands that run their operands as another command.
wrappers:
  - {name: env, options_with_value: [-u, --unset, -C, --chdir], skip_assignments: true, split_option: [-S, --split-string]}
  - {name: command, flags_stop: [-v, -V]}
  - {name: builtin}
  - {name: exec, options_with_value: [-a]}
  - {name: nice, options_with_value: [-n, --adjustment]}
  - {name: nohup}
  - {name: time, options_with_value: [-f, --format, -o, --output]}
  - {name: timeout, options_with_value: [-s, --signal, -k, --kill-after], leading_operands: 1}
  - {name: stdbuf, options_with_value: [-i, -o, -e, --input, --output, --error]}
  - {name: setsid}
  - {name: ionice, options_with_value: [-c, -n, -p, -P, -u, --class, --classdata]}
  - {name: taskset, leading_operands: 1, options_with_value: [-p]}
  - {name: chrt, leading_operands: 1}
  - {name: xargs, options_with_value: [-I, -i, -n, -P, -d, -L, -l, -s, -E, -e, -a, --arg-file, --max-args, --max-procs, --delimiter, --max-lines, --replace, --max-chars, --eof]}
  - {name: busybox}
  - {name: unbuffer}
  - {name: watch, options_with_value: [-n, --interval, -d]}
  - {name: flock, leading_operands: 1, options_with_value: [-w, --timeout, -E, -c]}
  - {name: script, options_with_value: [-c, --command]}

# Shells whose `-c STRING` is parsed as shell text, recursively; and `eval`.
shells: [sh, bash, dash, zsh, ksh, mksh, ash, fish, eval]

# git: subcommands always denied, and those allowed only when every operand is a path that
# neither is protected nor contains protected paths (no operand means the whole tree).
git:
  deny_always: [stash, filter-branch, filter-repo, update-index, read-tree, checkout-index]
  path_scoped: [checkout, restore, reset, clean, rm, mv, switch, apply, am, revert, cherry-pick, merge, pull, rebase]

# Commands that write or remove the paths they are given.
#   targets: operands | destination | key (with key: "of=") | none
#   removes: operands | sources        (remove semantics: also denied when the path holds protected paths)
#   when_option: the rule applies only when one of these options is present (prefix match: -i.bak)
writers:
  - {name: tee, targets: operands, options_with_value: [-p, --output-error]}
  - {name: dd, targets: key, key: "of="}
  - {name: truncate, targets: operands, options_with_value: [-s, --size, -r, --reference]}
  - {name: touch, targets: operands, options_with_value: [-d, --date, -r, --reference, -t]}
  - {name: mkdir, targets: operands, options_with_value: [-m, --mode]}
  - {name: mknod, targets: operands}
  - {name: mkfifo, targets: operands, options_with_value: [-m, --mode]}
  - {name: sed, targets: operands_after_script, when_option: [-i, --in-place], script_options: [-e, --expression, -f, --file]}
  - {name: perl, targets: operands_after_script, when_option: [-i, -pi, -ip, -ni, -in, -0pi, -lpi, -pli, -i.bak], script_options: [-e, -E]}
  - {name: cp, targets: destination, options_with_value: [-t, --target-directory, -S, --suffix]}
  - {name: ln, targets: destination, options_with_value: [-t, --target-directory, -S, --suffix]}
  - {name: rsync, targets: destination}
  - {name: mv, targets: destination, removes: sources, options_with_value: [-t, --target-directory, -S, --suffix]}
  - {name: rm, targets: none, removes: operands}
  - {name: rmdir, targets: none, removes: operands}
  - {name: unlink, targets: none, removes: operands}
  - {name: shred, targets: none, removes: operands, options_with_value: [-n, --iterations, -s, --size]}
  - {name: patch, targets: operands, options_with_value: [-p, -i, --input, -o, --output, -d, --directory]}
  - {name: vi, targets: operands}
  - {name: vim, targets: operands}
  - {name: nano, targets: operands}
  - {name: ed, targets: operands}

# find: start paths, then -exec/-execdir/-ok/-okdir COMMAND … ; evaluated with {} = each start
# path; -delete on a start path that is or holds protected paths is denied.
find:
  names: [find]
  exec_actions: [-exec, -execdir, -ok, -okdir]
  delete_actions: [-delete]

# Inline code: `python -c CODE`, `perl -e CODE` …
inline_code:
  interpreters: [python, python2, python3, pypy, pypy3]
  interpreter_prefixes: [python3., python2.]
  code_options: [-c]
  deny_calls: [os.chmod, os.fchmod, os.lchmod, os.chown, os.fchown, os.lchown, shutil.chown, .chmod(, .lchmod(, os.setuid, os.setgid, ctypes, os.mount]
  path_calls: [os.remove, os.unlink, os.rmdir, os.removedirs, os.rename, os.renames, os.replace, os.truncate, os.symlink, os.link, os.mkdir, os.makedirs, os.open, shutil.rmtree, shutil.move, shutil.copy, shutil.copy2, shutil.copyfile, shutil.copytree, .write_text(, .write_bytes(, .unlink(, .rename(, .replace(, .rmdir(, .touch(, .mkdir(, .symlink_to(, .hardlink_to(, open(]
  shell_calls: [os.system, os.popen, subprocess., os.exec, os.spawn, pty.spawn]
"""#
}
