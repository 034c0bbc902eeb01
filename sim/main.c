/* asgsim command line: placeholder until the CLI lands. */
#include <stdio.h>

int main(void)
{
    puts("asgsim " ASGSIM_VERSION);
    return 0;
}
