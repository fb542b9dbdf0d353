/* main() of cpwl: the subcommands are in libcpwl_cli (cli.h), shared with
   cpwl-mpi (src/mpi/main.c). */
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv, NULL);
}
