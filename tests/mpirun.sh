# Sourced by the MPI tests: cpwl_mpi_require skips (exit 77, with a
# visible line) when the MPI build was not configured; cpwl_mpirun NP CMD...
# runs CMD on NP processes of this machine, oversubscribed and as root
# when the tests run as root (CI), with Open MPI's shared-memory
# transport only, without mpirun's banners on a non-zero exit (-q).  On
# Ctrl-C (SIGINT to mpirun) the processes get SIGTERM and SIGKILL one
# second later (odls_base_sigkill_timeout); a test that needs longer sets
# OMPI_MCA_odls_base_sigkill_timeout itself: mpirun waits that long after
# every non-zero exit too.
cpwl_mpi_require() {
    if [ "${CPWL_MPI:-no}" != yes ] || [ -z "${MPIRUN:-}" ]; then
        echo "SKIP: cpwl-mpi not configured (./configure --with-mpi)"
        exit 77
    fi
}

cpwl_mpirun() {
    _np=$1
    shift
    OMPI_MCA_btl_vader_single_copy_mechanism=none \
    OMPI_MCA_rmaps_base_oversubscribe=1 \
    OMPI_MCA_btl=self,vader \
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        "$MPIRUN" -q --allow-run-as-root --oversubscribe -np "$_np" "$@"
}
