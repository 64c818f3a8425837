#!/bin/bash
# A chainlab sweep as a Slurm array job: each array task runs one shard of the grid
# into one shared results directory; the last step joins them (docs/cluster.md).
#
#     sbatch --array=0-15 docs/cluster/slurm-sweep.sh SCENARIO.yaml /shared/results/NAME
#     sbatch --dependency=afterok:JOBID --wrap "chainlab merge /shared/results/NAME"
#
# chainlab must be on PATH on the compute nodes (`cargo install --path .`, or the
# Apptainer image: set CHAINLAB="apptainer exec chainlab.sif chainlab").
#SBATCH --job-name=chainlab-sweep
#SBATCH --cpus-per-task=1
#SBATCH --output=chainlab-sweep-%A_%a.out
set -euo pipefail
scenario=$1
out=$2
shards=${SLURM_ARRAY_TASK_COUNT:?submit with sbatch --array=0-(N-1)}
${CHAINLAB:-chainlab} sweep "$scenario" --shard "${SLURM_ARRAY_TASK_ID}/${shards}" \
    --jobs "${SLURM_CPUS_PER_TASK:-1}" --lean --out "$out"
