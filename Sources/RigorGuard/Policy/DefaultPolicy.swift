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
  - {name: xargs, stdin_operands: true, replace_options: [-I, -i, --replace], options_with_value: [-I, -n, -P, -d, -L, -l, -s, -E, -e, -a, --arg-file, --max-args, --max-procs, --delimiter, --max-lines, --replace, --max-chars, --eof]}
  - {name: busybox}
  - {name: unbuffer}
  - {name: watch, options_with_value: [-n, --interval, -d]}
  - {name: flock, leading_operands: 1, options_with_value: [-w, --timeout, -E, -c]}
  - {name: script, options_with_value: [-c, --command]}
  - {name: strace, options_with_value: [-e, -o, -p, -s, -u, -E]}
  - {name: ltrace, options_with_value: [-e, -o, -p, -s, -u]}
  - {name: firejail}
  - {name: caffeinate}
  - {name: parallel}

# Rigor's own CLI run by the agent: launchers run the command after `--`; the guard's
# re-baseline and verification belong to the harness.
rigor:
  names: [rigor]
  launchers: [exec, guard exec]
  harness_only: [guard snapshot, guard verify]
  reason: only the harness re-baselines or verifies the guard; the RUN agent must not

# Commands that decode or compute text: their output piped into a shell or an interpreter
# cannot be read by the policy and is denied. (Any producer other than echo/printf/cat of
# literal text counts as computed; these names only sharpen the reason.)
decoders: [base64, base32, basenc, xxd, uudecode, openssl, gpg, rev, tr, gunzip, zcat, xz, bzip2, curl, wget]

# Shells whose `-c STRING` is parsed as shell text, recursively; and `eval`.
shells: [sh, bash, dash, zsh, ksh, mksh, ash, fish, eval]

# git: subcommands always denied, and those allowed only when every operand is a path that
# neither is protected nor contains protected paths (no operand means the whole tree).
git:
  deny_always: [stash, filter-branch, filter-repo, update-index, read-tree, checkout-index]
  path_scoped: [checkout, restore, reset, clean, rm, mv, switch, revert, cherry-pick, merge, pull, rebase]
  # Read the patch (file operands, here-document; piped patches cannot be read): every file
  # it names must be writable.
  patch_input: [apply, am]
  # `-c KEY=VALUE` / `git config KEY VALUE` whose value is a command: evaluated as shell text
  # (so is any `alias.NAME=!…`).
  command_config: [core.pager, core.editor, core.sshcommand, core.fsmonitor, core.hookspath, sequence.editor, diff.external, credential.helper, pager., filter., merge., gpg.program, interactive.difffilter, uploadpack.packobjectshook]

# Commands that write or remove the paths they are given.
#   targets: operands | destination | key (with key: "of=") | none
#   removes: operands | sources        (remove semantics: also denied when the path holds protected paths)
#   when_option: the rule applies only when one of these options is present, alone, inside a
#                cluster of short options (-Ei, -wpi) or with an attached value (-i.bak, --in-place=x)
#   output_options: their value is written (sort -o FILE)
#   hard_link_when / hard_link_unless: the command makes hard links (a protected source is denied)
#   symlink_when: symbolic links it makes are remembered for the commands that follow
writers:
  - {name: tee, targets: operands, options_with_value: [-p, --output-error]}
  - {name: dd, targets: key, key: "of="}
  - {name: truncate, targets: operands, options_with_value: [-s, --size, -r, --reference]}
  - {name: touch, targets: operands, options_with_value: [-d, --date, -r, --reference, -t]}
  - {name: mkdir, targets: operands, options_with_value: [-m, --mode]}
  - {name: mknod, targets: operands}
  - {name: mkfifo, targets: operands, options_with_value: [-m, --mode]}
  - {name: sed, targets: operands_after_script, when_option: [-i, --in-place], script_options: [-e, --expression, -f, --file], options_with_value: [-l, --line-length]}
  - {name: perl, targets: operands_after_script, when_option: [-i], script_options: [-e, -E], attached_value: [-M, -m, -I, -x, -d, -D, -F], digit_value: [-0, -l, -C]}
  - {name: cp, targets: destination, options_with_value: [-t, --target-directory, -S, --suffix], hard_link_when: [-l, --link], symlink_when: [-s, --symbolic-link]}
  - {name: ln, targets: destination, options_with_value: [-t, --target-directory, -S, --suffix], hard_link_unless: [-s, --symbolic], symlink_when: [-s, --symbolic]}
  - {name: link, targets: destination, hard_link_unless: []}
  - {name: sort, targets: none, output_options: [-o, --output], options_with_value: [-k, --key, -t, --field-separator, -S, --buffer-size, -T, --temporary-directory, --parallel, --files0-from, --batch-size, --compress-program, --random-source]}
  - {name: curl, targets: none, output_options: [-o, --output, -D, --dump-header, -c, --cookie-jar, --trace, --trace-ascii, --stderr, --output-dir], file_url_writes_when: [-T, --upload-file]}
  - {name: wget, targets: none, output_options: [-O, --output-document, -o, --output-file, -a, --append-output, -P, --directory-prefix]}
  - {name: uniq, targets: none}
  - {name: split, targets: none}
  - {name: csplit, targets: none}
  - {name: rsync, targets: destination}
  - {name: mv, targets: destination, removes: sources, options_with_value: [-t, --target-directory, -S, --suffix]}
  - {name: rm, targets: none, removes: operands}
  - {name: rmdir, targets: none, removes: operands}
  - {name: unlink, targets: none, removes: operands}
  - {name: shred, targets: none, removes: operands, options_with_value: [-n, --iterations, -s, --size]}
  - {name: patch, targets: patch, output_options: [-o, --output, -r, --reject-file, -B, --prefix], options_with_value: [-p, -i, --input, -d, --directory, -D, --ifdef, -F, --fuzz, -z, --suffix, -V, --version-control]}
  - {name: vi, targets: operands, options_with_value: [-c, -S, --cmd, -u, -U, -i, -T, -w, -W, -s, -t, -q]}
  - {name: vim, targets: operands, options_with_value: [-c, -S, --cmd, -u, -U, -i, -T, -w, -W, -s, -t, -q]}
  - {name: nvim, targets: operands, options_with_value: [-c, -S, --cmd, -u, -i, -w, -W, -s, -t, -q]}
  - {name: view, targets: operands, options_with_value: [-c, -S, --cmd, -u, -i]}
  - {name: ex, targets: operands, options_with_value: [-c, -S, --cmd, -u, -U, -i, -T, -w, -W, -s, -t, -q]}
  - {name: vimdiff, targets: operands, options_with_value: [-c, -S, --cmd, -u]}
  - {name: emacs, targets: operands, options_with_value: [--eval, -l, --load, -f, --funcall]}
  - {name: nano, targets: operands}
  - {name: ed, targets: operands}
  - {name: red, targets: operands}

# Archive extractors write names the policy cannot see: denied when the folder they extract
# into is protected or holds protected paths. (`tar xf` letters count as options.)
extractors:
  - {name: tar, when_option: [-x, --extract, --get], dir_options: [-C, --directory], options_with_value: [-f, --file, -T, --files-from, -X, --exclude-from, -b, -H, --format, -I, --use-compress-program, -K, -N, -V]}
  - {name: bsdtar, when_option: [-x], dir_options: [-C, --cd, --directory], options_with_value: [-f, --file, -T, -X]}
  - {name: unzip, dir_options: [-d], options_with_value: [-x, -P]}
  - {name: 7z, when_option: [x, e], dir_options: [-o]}
  - {name: cpio, when_option: [-i, --extract], dir_options: [-D, --directory]}
  - {name: unrar, dir_options: []}
  - {name: ar, when_option: [x, -x]}
  - {name: rpm2cpio}
  - {name: gunzip, when_option: [-f, --force]}

# find: start paths, then -exec/-execdir/-ok/-okdir COMMAND … ; evaluated with {} = each start
# path; -delete on a start path that is or holds protected paths is denied.
find:
  names: [find]
  exec_actions: [-exec, -execdir, -ok, -okdir]
  delete_actions: [-delete]
  output_actions: [-fprint, -fprint0, -fprintf, -fls]

# Inline code: `python -c CODE`, `python3 -` / no script with a here-document, here-string or
# literal piped program. Calls are recognised through `import x as y`, `from x import f`,
# `__import__('x')` and `importlib.import_module('x')`. Path arguments may be literals,
# joins of literals, variables assigned a literal, or `sys.argv[N]`; anything else is
# computed, and a write, removal or command with a computed argument is denied
# ("cannot analyse").
inline_code:
  interpreters: [python, python2, python3, pypy, pypy3]
  interpreter_prefixes: [python3., python2.]
  code_options: [-c]
  stdin_code: true
  deny_calls: [os.chmod, os.fchmod, os.lchmod, os.chown, os.fchown, os.lchown, shutil.chown, .chmod(, .lchmod(, os.setuid, os.setgid, ctypes, os.mount, os.chroot]
  # Roles: first the receiver for methods (names starting with "."), then each positional argument.
  path_calls:
    open: [path, mode]
    io.open: [path, mode]
    codecs.open: [path, mode]
    os.open: [write]
    os.remove: [remove]
    os.unlink: [remove]
    os.rmdir: [remove]
    os.removedirs: [remove]
    os.rename: [remove, write]
    os.renames: [remove, write]
    os.replace: [remove, write]
    os.truncate: [write]
    os.symlink: [read, write]
    os.link: [write, write]
    os.mkdir: [write]
    os.makedirs: [write]
    os.utime: [write]
    shutil.rmtree: [remove]
    shutil.move: [remove, write]
    shutil.copy: [read, write]
    shutil.copy2: [read, write]
    shutil.copyfile: [read, write]
    shutil.copymode: [read, write]
    shutil.copystat: [read, write]
    shutil.copytree: [read, write]
    shutil.unpack_archive: [read, write]
    .write_text: [write]
    .write_bytes: [write]
    .unlink: [remove]
    .rmdir: [remove]
    .rename: [remove, write]
    .replace: [remove, write]
    .touch: [write]
    .mkdir: [write]
    .symlink_to: [write]
    .hardlink_to: [write, write]
    .open: [path, mode]
    .extractall: [read, write]
    .to_csv: [read, write]
    .to_json: [read, write]
    .savefig: [read, write]
  shell_calls: [os.system, os.popen, os.execv, os.execve, os.execvp, os.execvpe, os.execl, os.execle, os.execlp, os.execlpe, os.spawnv, os.spawnve, os.spawnvp, os.spawnl, os.spawnlp, os.posix_spawn, os.posix_spawnp, subprocess.run, subprocess.call, subprocess.check_call, subprocess.check_output, subprocess.Popen, subprocess.getoutput, subprocess.getstatusoutput, pty.spawn]
  dynamic_calls: [exec, eval, compile, runpy.run_path, runpy.run_module]

# Other languages' inline programs (`perl -e`, `node -e`, `ruby -e`, `php -r`, awk's program):
# string literals are read as paths (a leading open mode such as `>>` removed) and as shell
# text. With a shell call the literals are evaluated as shell text (none: denied). With a
# write call, a literal or file operand naming a protected path is denied, and so is a write
# whose target is not a literal (no path-like literal in the program).
scripting:
  - names: [perl]
    code_options: [-e, -E]
    shell_calls: [system, exec, qx, readpipe, "`", "open(F, \"|", "|-", "-|"]
    write_calls: [open, sysopen, unlink, rename, truncate, link, symlink, mkdir, rmdir, utime, "print {", copy, move]
  - names: [node, nodejs, deno, bun]
    code_options: [-e, --eval, -p, --print]
    shell_calls: [child_process, execSync, spawnSync, execFileSync, "exec(", "spawn(", Deno.run, Deno.Command, Bun.spawn]
    write_calls: [writeFile, writeFileSync, appendFile, appendFileSync, rm, rmSync, unlink, unlinkSync, rename, renameSync, copyFile, copyFileSync, truncate, truncateSync, createWriteStream, mkdir, mkdirSync, symlink, symlinkSync, link, linkSync, cp, cpSync, open, openSync, Deno.writeTextFile, Deno.writeFile, Deno.remove, Bun.write]
  - names: [ruby]
    code_options: [-e]
    shell_calls: [system, exec, spawn, "`", "%x", popen, Open3]
    write_calls: [File.write, File.open, IO.write, File.delete, File.unlink, File.rename, FileUtils, File.truncate, File.symlink, File.link, Dir.mkdir]
  - names: [php]
    code_options: [-r]
    shell_calls: [system, exec, shell_exec, passthru, popen, proc_open, "`"]
    write_calls: [file_put_contents, fopen, unlink, rename, copy, touch, mkdir, rmdir, symlink, link, truncate]
  - names: [lua, luajit]
    code_options: [-e]
    shell_calls: [os.execute, io.popen]
    write_calls: [io.open, os.remove, os.rename, io.output]
  - names: [awk, gawk, mawk, nawk]
    code_options: [--source]
    program_operand: true
    file_options: [-f, --file]
    shell_calls: [system, "|"]
    write_calls: [">"]
    in_place: [inplace]
"""#
}
