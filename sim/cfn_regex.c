/*
 * cfn_regex.c - a parameter's AllowedPattern, written in Java's regular-expression syntax as
 * CloudFormation reads it, translated into the POSIX extended syntax regcomp() takes.
 *
 * Real templates use Java habits POSIX lacks or reads differently: `\d`, `\s` and `\w`;
 * escapes inside brackets (`[\[\]\\.]`); a `-` after a range (`[0-9a-zA-Z-.]`, literal in
 * Java, "Invalid range end" in POSIX); non-capturing groups; lazy quantifiers. Each is
 * rewritten to its POSIX equivalent. Features with no equivalent (lookaround,
 * back-references, word boundaries, possessive quantifiers, inline flags) are reported, so
 * the caller can say the pattern is not checked instead of refusing a valid template.
 */
#include "cfn_int.h"

#include <ctype.h>

/* One bracket expression's members, gathered first and emitted in an order POSIX reads
 * literally: `]` first, `[` and `^` late, `-` last. */
struct bracket {
    struct strbuf ranges;  /* a-z pairs and plain characters */
    struct strbuf classes; /* [:space:] and friends */
    bool close, open, caret, dash;
};

static void bracket_char(struct bracket *b, char c)
{
    switch (c) {
    case ']':
        b->close = true;
        break;
    case '[':
        b->open = true;
        break;
    case '^':
        b->caret = true;
        break;
    case '-':
        b->dash = true;
        break;
    default:
        sb_add(&b->ranges, &c, 1);
        break;
    }
}

/* The character a Java escape `\c` stands for inside or outside brackets, or 0 when it is a
 * class or an unsupported construct. */
static char escaped_literal(char c)
{
    switch (c) {
    case 't':
        return '\t';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 'f':
        return '\f';
    default:
        return isalnum((unsigned char)c) ? 0 : c;
    }
}

static const char *escaped_class(char c)
{
    switch (c) {
    case 'd':
        return "0-9";
    case 's':
        return "[:space:]";
    case 'w':
        return "[:alnum:]_";
    default:
        return NULL;
    }
}

/* Parses the bracket expression at *pp (just after `[`); returns 0, 1 with *why, or -1 when
 * it is not closed. */
static int translate_bracket(const char **pp, struct strbuf *out, const char **why)
{
    const char *p = *pp;
    struct bracket b = { 0 };
    bool neg = *p == '^';
    if (neg)
        p++;
    if (*p == ']') { /* a leading `]` is a member, as in POSIX */
        b.close = true;
        p++;
    }
    int rc = 0;
    while (rc == 0 && *p && *p != ']') {
        char c = *p++;
        if (c == '[' || (c == '&' && *p == '&')) {
            *why = "a nested class or class intersection";
            rc = 1;
            break;
        }
        if (c == '\\') {
            if (!*p) {
                rc = -1;
                break;
            }
            char e = *p++;
            const char *cls = escaped_class(e);
            if (cls) {
                sb_adds(&b.classes, cls);
                continue;
            }
            if (!(c = escaped_literal(e))) {
                *why = "an escape inside brackets";
                rc = 1;
                break;
            }
        }
        /* A range: c-d, unless the `-` ends the bracket. */
        if (*p == '-' && p[1] && p[1] != ']' && c != '-') {
            char d = p[1];
            p += 2;
            if (d == '\\') {
                if (!*p || !(d = escaped_literal(*p))) {
                    *why = "an escape inside brackets";
                    rc = 1;
                    break;
                }
                p++;
            }
            char r[3] = { c, '-', d };
            sb_add(&b.ranges, r, 3);
            continue;
        }
        bracket_char(&b, c);
    }
    if (rc == 0 && *p != ']')
        rc = -1;
    if (rc == 0) {
        bool only_caret = !neg && b.caret && !b.close && !b.ranges.len && !b.classes.len &&
                          !b.open && !b.dash;
        if (only_caret) {
            sb_adds(out, "\\^");
        } else {
            bool before = b.close || b.ranges.len || b.classes.len || b.open;
            sb_adds(out, neg ? "[^" : "[");
            if (b.close)
                sb_adds(out, "]");
            if (b.ranges.len)
                sb_add(out, b.ranges.buf, b.ranges.len);
            if (b.classes.len)
                sb_add(out, b.classes.buf, b.classes.len);
            if (b.open)
                sb_adds(out, "[");
            /* A `^` must not come first; a leading `-` is literal, so it may go before. */
            if (b.caret && !before && !neg)
                sb_adds(out, "-^");
            else {
                if (b.caret)
                    sb_adds(out, "^");
                if (b.dash)
                    sb_adds(out, "-");
            }
            sb_adds(out, "]");
        }
        *pp = p + 1;
    }
    free(b.ranges.buf);
    free(b.classes.buf);
    return rc;
}

int cfn__java_regex_to_ere(const char *pat, char **out, const char **why)
{
    struct strbuf sb = { 0 };
    int rc = 0;
    *why = NULL;
    for (const char *p = pat; rc == 0 && *p;) {
        char c = *p;
        if (c == '[') {
            p++;
            rc = translate_bracket(&p, &sb, why);
        } else if (c == '\\') {
            char e = p[1];
            const char *cls = escaped_class((char)tolower((unsigned char)e));
            char lit;
            if (!e) {
                rc = -1;
            } else if (cls) {
                sb_adds(&sb, isupper((unsigned char)e) ? "[^" : "[");
                sb_adds(&sb, cls);
                sb_adds(&sb, "]");
            } else if ((lit = escaped_literal(e)) != 0) {
                if (strchr(".[]()*+?{}|^$\\", lit))
                    sb_add(&sb, p, 2);
                else
                    sb_add(&sb, &lit, 1);
            } else {
                *why = "an escape such as \\b, \\A or a back-reference";
                rc = 1;
            }
            p += 2;
        } else if (c == '(' && p[1] == '?') {
            if (p[2] == ':') {
                sb_adds(&sb, "(");
                p += 3;
            } else {
                *why = p[2] == '=' || p[2] == '!' || p[2] == '<' ? "a lookaround or named group"
                                                                 : "an inline flag group (?...)";
                rc = 1;
            }
        } else if (strchr("*+?}", c) && p[1] == '?') {
            /* The pattern must match the whole value, so a lazy quantifier accepts exactly
             * what its greedy form accepts. */
            sb_add(&sb, p, 1);
            p += 2;
        } else if (strchr("*+?}", c) && p[1] == '+') {
            *why = "a possessive quantifier";
            rc = 1;
        } else {
            sb_add(&sb, p, 1);
            p++;
        }
    }
    if (rc != 0) {
        free(sb.buf);
        *out = NULL;
        return rc;
    }
    *out = sb.buf ? sb.buf : xstrdup("");
    return 0;
}
