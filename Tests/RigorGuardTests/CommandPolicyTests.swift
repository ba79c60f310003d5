import Foundation
import RigorGuard
import Testing

@Suite struct CommandPolicyTests {
    let f = GuardFixture()
    func policy() throws -> CommandPolicy { try CommandPolicy.load(oracle: try f.set(), workspaceRoot: f.root) }

    static let denied: [(String, String)] = [
        ("chmod 644 experiments/exp-001-x.md", "permission-change"),
        ("/bin/chmod 644 src/train.py", "permission-change"),
        ("sudo ls", "privilege"),
        ("install -m 644 a b", "coreutils-install"),
        ("umount /work", "mount"),
        ("ls && chown root x", "permission-change"),
        ("false || chgrp x y", "permission-change"),
        ("true; chattr -i x", "permission-change"),
        ("cat x | setfacl -m u:a:r y", "permission-change"),
        ("(cd src; chmod +x a)", "permission-change"),
        ("echo $(chmod 1 x)", "permission-change"),
        ("echo `chmod 1 x`", "permission-change"),
        ("sh -c 'bash -c \"chmod 1 x\"'", "permission-change"),
        ("env -i A=1 chmod 1 x", "permission-change"),
        ("env -S 'chmod 1 x'", "permission-change"),
        ("command chmod 1 x", "permission-change"),
        ("exec chmod 1 x", "permission-change"),
        ("xargs -n1 chmod 644 < list", "permission-change"),
        ("nice -n 5 nohup timeout -s KILL 5 chmod 1 x", "permission-change"),
        ("C=chmod; $C 1 x", "permission-change"),
        ("ch\"mo\"d 1 x", "permission-change"),
        ("find . -name '*.md' -exec chmod 644 {} \\;", "find-exec"),
        ("find experiments -exec sed -i s/a/b/ {} +", "find-exec"),
        ("find results/exp-000-old -delete", "remove-protected"),
        ("python3 -c 'import os; os.chmod(\"x\", 0o777)'", "inline-code-permission"),
        ("python -c \"import shutil; shutil.chown('x', 'root')\"", "inline-code-permission"),
        ("python3 -c \"import os; os.remove('experiments/exp-001-x.md')\"", "inline-code-write"),
        ("python3.11 -c \"import os; os.system('rm -f RESEARCH_LOG.md')\"", "inline-code-shell"),
        ("git checkout -- experiments/exp-001-x.md", "git-revert"),
        ("git checkout main", "git-revert"),
        ("git restore .", "git-revert"),
        ("git stash", "git-revert"),
        ("git reset --hard", "git-revert"),
        ("git clean -fdx", "git-revert"),
        ("git rm experiments/exp-001-x.md", "git-revert"),
        ("git -C experiments restore exp-001-x.md", "git-revert"),
        ("echo x > experiments/exp-001-x.md", "redirect-to-protected"),
        ("echo x >> RESEARCH_LOG.md", "redirect-to-protected"),
        ("echo x 2> QUESTIONS.md", "redirect-to-protected"),
        ("echo x &> HANDOFF.md", "redirect-to-protected"),
        ("cd experiments && echo x > exp-001-x.md", "redirect-to-protected"),
        ("echo x | tee -a program_state.json", "write-to-protected"),
        ("dd if=/dev/zero of=results/exp-001-x/spec.md", "write-to-protected"),
        ("truncate -s 0 results/exp-000-old/metrics.json", "write-to-protected"),
        ("sed -i s/a/b/ experiments/exp-001-x.md", "in-place-edit"),
        ("sed -i.bak -e s/a/b/ experiments/exp-001-x.md", "in-place-edit"),
        ("perl -pi -e s/a/b/ experiments/exp-001-x.md", "in-place-edit"),
        ("cp src/train.py experiments/exp-001-x.md", "write-to-protected"),
        ("cp src/train.py experiments/", "write-to-protected"),
        ("mv src/train.py results/exp-000-old/", "write-to-protected"),
        ("ln -sf src/train.py experiments/exp-001-x.md", "write-to-protected"),
        ("rm -rf results/exp-000-old", "remove-protected"),
        ("rm -rf results/*", "remove-protected"),
        ("rm -r results/exp-001-x", "remove-protected"),
        ("mv experiments/exp-001-x.md /tmp/", "remove-protected"),
        ("touch experiments/exp-002.md", "write-to-protected"),
        ("mkdir results/exp-999", "write-to-protected"),
        ("cat > experiments/x.md <<EOF\nhello\nEOF", "redirect-to-protected"),
        ("eval 'echo x > QUESTIONS.md'", "redirect-to-protected"),
    ]

    @Test(arguments: denied + PolicyGapTests.denied) func denies(_ text: String, _ rule: String) throws {
        let d = try policy().evaluate(text, cwd: f.root)
        #expect(!d.allowed, "\(text)")
        #expect(d.rule == rule, "\(text): \(d.rule ?? "nil") — \(d.reason)")
    }

    static let allowed = [
        "python train.py", "python3 src/train.py --seed 1", "pip list", "git status", "git diff", "git log --oneline -5",
        "git add src results/exp-001-x", "git commit -m 'run'", "git restore src/train.py", "git checkout -- src/train.py",
        "echo '{}' > results/exp-001-x/metrics.json", "mkdir -p results/exp-001-x/plots/a", "echo x >> results/exp-001-x/log.txt",
        "python3 src/train.py > results/exp-001-x/out.log 2>&1", "python3 src/train.py 2>&1 | tee results/exp-001-x/t.log",
        "sed -i s/a/b/ src/train.py", "sed s/a/b/ experiments/exp-001-x.md", "cat experiments/exp-001-x.md",
        "grep -r loss results/", "cp experiments/exp-001-x.md /tmp/copy.md", "rm -rf src/__pycache__", "mv src/a.py src/b.py",
        "touch src/new.py", "find . -name '*.py' -exec grep -l loss {} +", "echo hi >&2", "ls 2>/dev/null",
        "python3 -c \"print(open('experiments/exp-001-x.md').read())\"",
        "python3 -c \"import json; json.dump({}, open('results/exp-001-x/config.json', 'w'))\"",
        "for s in 0 1 2; do python3 src/train.py --seed $s; done", "cd src && python3 train.py",
        "nohup python3 src/train.py > results/exp-001-x/n.log 2>&1 &", "env CUDA_VISIBLE_DEVICES=0 python3 src/train.py",
    ]

    @Test(arguments: allowed + PolicyGapTests.allowed) func allows(_ text: String) throws {
        let d = try policy().evaluate(text, cwd: f.root)
        #expect(d.allowed, "\(text): \(d.rule ?? "") — \(d.reason)")
    }

    @Test func unparseableIsDenied() throws {
        for t in ["echo 'unterminated", "echo \"x", "echo $(ls", "echo `ls"] {
            #expect(try policy().evaluate(t, cwd: f.root).rule == "unparseable", "\(t)")
        }
    }

    @Test func withoutSpecPatternsAreConservative() throws {
        let p = try CommandPolicy.load(oracle: PatternOracle(), workspaceRoot: nil)
        #expect(!p.evaluate("echo x > experiments/a.md", cwd: "/tmp").allowed)
        #expect(!p.evaluate("rm RESEARCH_LOG.md", cwd: "/tmp").allowed)
        #expect(p.evaluate("echo x > src/a.py", cwd: "/tmp").allowed)
    }

    @Test func badPolicyFileIsReported() throws {
        f.dir.write("p.yaml", "version: 1\nwriters:\n  - {name: tee}\n")
        #expect { try CommandPolicy.load(oracle: PatternOracle(), workspaceRoot: nil, policyFile: f.abs("p.yaml")) } throws: { e in
            (e as? GuardError)?.description.contains("each writer needs name and targets") == true
        }
    }

    @Test func shellParserFindsNestedCommands() throws {
        let cmds = try ShellParser.parse("a 'b c' && (d; e $(f \"g\")) | h <(i) 2>/dev/null; `j`")
        let names = Set(cmds.compactMap { $0.words.first?.text }.filter { !$0.hasPrefix("$") })
        #expect(names == ["a", "d", "e", "f", "h", "i", "j"])
        #expect(cmds.first?.words.map(\.text) == ["a", "b c"])
    }
}
