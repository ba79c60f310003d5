/* Red-team helper: one syscall-level attack on a path. Usage: tamper OP PATH [PATH2] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: tamper OP PATH [PATH2]\n"); return 2; }
    const char *op = argv[1], *p = argv[2], *q = argc > 3 ? argv[3] : "";
    int rc = -1;
    if (!strcmp(op, "write")) { int fd = open(p, O_WRONLY | O_TRUNC); rc = fd < 0 ? -1 : (int)write(fd, "pwned\n", 6); }
    else if (!strcmp(op, "append")) { int fd = open(p, O_WRONLY | O_APPEND); rc = fd < 0 ? -1 : (int)write(fd, "pwned\n", 6); }
    else if (!strcmp(op, "create")) { int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644); rc = fd < 0 ? -1 : 0; }
    else if (!strcmp(op, "unlink")) rc = unlink(p);
    else if (!strcmp(op, "rename")) rc = rename(p, q);
    else if (!strcmp(op, "renameover")) { int fd = open(q, O_WRONLY | O_CREAT | O_TRUNC, 0644); if (fd >= 0) { write(fd, "pwned\n", 6); close(fd); } rc = rename(q, p); }
    else if (!strcmp(op, "link")) rc = link(p, q);
    else if (!strcmp(op, "chmod")) rc = chmod(p, 0666);
    else if (!strcmp(op, "truncate")) rc = truncate(p, 0);
    else if (!strcmp(op, "remount")) rc = mount(NULL, p, NULL, MS_REMOUNT | MS_BIND, NULL);
    else if (!strcmp(op, "umount")) rc = umount2(p, MNT_DETACH);
    else if (!strcmp(op, "rmdir")) rc = rmdir(p);
    else if (!strcmp(op, "mkdir")) rc = mkdir(p, 0755);
    else { fprintf(stderr, "unknown op %s\n", op); return 2; }
    if (rc < 0) { perror(op); return 1; }
    return 0;
}
