/* Replays fuzz inputs through a harness without libFuzzer: every file
   given (or every file in a directory given) is passed once to
   LLVMFuzzerTestOneInput.  Built with the normal compiler, so that make
   check (and the sanitizer build) replays the corpus. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long len;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        fprintf(stderr, "replay: cannot read %s\n", path);
        if (f != NULL)
            fclose(f);
        return 1;
    }
    /* Exactly len bytes, as libFuzzer passes them (no NUL after). */
    buf = malloc(len > 0 ? len : 1);
    if (len > 0 && fread(buf, 1, len, f) != (size_t) len)
    {
        fprintf(stderr, "replay: short read on %s\n", path);
        fclose(f);
        free(buf);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

int main(int argc, char **argv)
{
    int i, bad = 0;
    long count = 0;
    for (i = 1; i < argc; i++)
    {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
        {
            DIR *d = opendir(argv[i]);
            struct dirent *ent;
            char **names = NULL;
            size_t n = 0, k;
            while (d != NULL && (ent = readdir(d)) != NULL)
            {
                if (ent->d_name[0] == '.')
                    continue;
                names = realloc(names, (n + 1) * sizeof(char *));
                names[n] = malloc(strlen(argv[i]) + strlen(ent->d_name) + 2);
                sprintf(names[n++], "%s/%s", argv[i], ent->d_name);
            }
            if (d != NULL)
                closedir(d);
            /* A fixed order, so that a report names the same input. */
            qsort(names, n, sizeof(char *), name_cmp);
            for (k = 0; k < n; k++)
            {
                fprintf(stderr, "replay: %s\n", names[k]);
                bad |= replay_file(names[k]);
                count++;
                free(names[k]);
            }
            free(names);
        }
        else
        {
            fprintf(stderr, "replay: %s\n", argv[i]);
            bad |= replay_file(argv[i]);
            count++;
        }
    }
    printf("replayed %ld inputs\n", count);
    return bad;
}
