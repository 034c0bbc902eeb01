/* Formatting into allocated strings (util.h). */
#include "asgsim/util.h"

#include <stdarg.h>
#include <stdio.h>

#include "asgsim/banned.h"

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        ASG_BUG("bad format '%s'", fmt);
    char *p = xmalloc((size_t)n + 1);
    va_copy(aq, ap);
    vsnprintf(p, (size_t)n + 1, fmt, aq);
    va_end(aq);
    return p;
}
