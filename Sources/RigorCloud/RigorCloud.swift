// RigorCloud: where heavy work runs. Today it owns the compute advisory (`rigor preflight`):
// what this machine can run, measured, against what a spec's compute profile asks for, and
// which advisory the RUN-phase agent sees. Cloud backends (Slurm, Ray, EC2, S3) come here too.
