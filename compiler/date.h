/* date.h — calendar dates as day numbers: parsing YYYY-MM-DD, adding months
 * with clamping, and today's date in UTC. */
#ifndef ISMSC_DATE_H
#define ISMSC_DATE_H

/* A date as days since 1970-01-01 (proleptic Gregorian); any int is valid. */
typedef long date_t;

/* Parse exactly "YYYY-MM-DD" (a real calendar date, years 1..9999) from
 * s[0..n); returns 0 and sets *d, or -1. */
int date_parse(const char *s, unsigned long n, date_t *d);
/* Write d as "YYYY-MM-DD" into out (at least 11 bytes). */
void date_format(date_t d, char out[11]);
/* d plus months, clamped to the last day of the resulting month
 * (2025-01-31 + 1 month = 2025-02-28). */
date_t date_add_months(date_t d, int months);
/* The UTC date of a Unix time. */
date_t date_from_epoch(long long seconds);

#endif
