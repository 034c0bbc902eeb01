/*
 * banned.h - functions asgsim code must not use (after git's banned.h).
 * atoi & co cannot report errors; rand/srand would bypass the seeded random streams;
 * the string functions overflow buffers. Include this last in every .c file.
 */
#ifndef ASGSIM_BANNED_H
#define ASGSIM_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atof
#define atof(x) BANNED(atof)
#undef rand
#define rand() BANNED(rand)
#undef srand
#define srand(x) BANNED(srand)

#endif /* ASGSIM_BANNED_H */
