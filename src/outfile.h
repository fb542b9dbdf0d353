/* Output files that appear whole or not at all.

   outfile_open creates a new temporary file next to the target (same
   directory, so that the final rename stays within one file system),
   named ".NAME.cpwl-XXXXXX" and created with mode 0666 minus the umask
   like any new file (or, when it replaces a regular file, with that
   file's permission bits).  The caller writes to f->f; outfile_commit
   flushes, syncs and closes it and renames it over the target, so that
   a reader sees the old file or the complete new one, never a part;
   outfile_abort removes the temporary file and leaves the target alone.
   Only the temporary file is ever removed.

   Targets that are not regular files are written directly and never
   removed or renamed: "-" is standard output (flushed, not closed); an
   existing device node, FIFO or socket (/dev/null, /dev/stdout, a pipe)
   is opened and written in place.  A symbolic link to a regular file is
   followed: the file it points to is replaced and the link kept.

   A crash (or a signal the caller does not handle) between open and
   commit leaves the target as it was plus a stray ".NAME.cpwl-XXXXXX",
   which can be deleted.  Replacing a file gives it a new inode: hard
   links to the old file keep the old contents.

   Errors, with the message "cannot write "PATH": REASON":
   CPWL_ERR_INPUT from outfile_open when the path cannot hold a file
   (no such directory, no permission, a directory): the user named a
   bad place; CPWL_ERR_INTERNAL from outfile_commit when writing failed
   (a full disk, a closed pipe, an I/O error): a resource failure. */
#ifndef CPWL_OUTFILE_H
#define CPWL_OUTFILE_H

#include <stdio.h>
#include "cpwl/err.h"

typedef struct
{
    FILE *f;                    /* write here (NULL when not open) */
    char *path;                 /* the target as given, for messages */
    char *target;               /* what is replaced (a link resolved) */
    char *tmp;                  /* temporary file, NULL when direct */
    int is_stdout;              /* "-": standard output */
}
outfile_struct;

typedef outfile_struct outfile_t[1];

/* Open f for writing path.  On an error nothing is left open or created
   and f needs no abort. */
int outfile_open(outfile_t f, const char *path, cpwl_err_t e);

/* Finish: flush, fsync, close and rename into place (or, written
   directly, flush and close).  On an error the temporary file is removed
   and the target left as it was (a direct target keeps what was
   written).  Either way f is released. */
int outfile_commit(outfile_t f, cpwl_err_t e);

/* Give up: close f, remove the temporary file (never the target). */
void outfile_abort(outfile_t f);

#endif
