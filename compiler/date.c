/* date.c — civil dates <-> day numbers (Howard Hinnant's algorithms). */
#include "date.h"

static date_t
S_days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void
S_civil_from_days(date_t z, long *y, unsigned *m, unsigned *d)
{
	long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long)yoe + era * 400 + (*m <= 2);
}

static unsigned
S_month_days(long y, unsigned m)
{
	static const unsigned char days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int
date_parse(const char *s, unsigned long n, date_t *out)
{
	long y = 0;
	unsigned m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > S_month_days(y, m))
		return -1;
	*out = S_days_from_civil(y, m, d);
	return 0;
}

void
date_format(date_t z, char out[11])
{
	long y;
	unsigned m, d;

	S_civil_from_days(z, &y, &m, &d);
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

date_t
date_add_months(date_t z, int months)
{
	long y, total;
	unsigned m, d, last;

	S_civil_from_days(z, &y, &m, &d);
	total = y * 12 + (long)(m - 1) + months;
	y = total >= 0 ? total / 12 : (total - 11) / 12;
	m = (unsigned)(total - y * 12) + 1;
	last = S_month_days(y, m);
	return S_days_from_civil(y, m, d > last ? last : d);
}

date_t
date_from_epoch(long long seconds)
{
	long long days = seconds / 86400;

	if (seconds < 0 && seconds % 86400 != 0)
		days--;
	return (date_t)days;
}
