/* jsonutil.c — small helpers for building the JSON documents reports return. */
#include "internal.h"

#include <math.h>

int jset(json_t *obj, const char *key, json_t *value)
{
	/* json_object_set_new takes the value even when it fails */
	if (!value)
		return -1;
	return json_object_set_new(obj, key, value) ? -1 : 0;
}

int jappend(json_t *arr, json_t *value)
{
	if (!value)
		return -1;
	return json_array_append_new(arr, value) ? -1 : 0;
}

json_t *jtime(recip_time t)
{
	if (t == TIME_NONE)
		return json_null();
	char text[32];
	recip_time_format(text, sizeof(text), t);
	return json_string(text);
}

json_t *jdate(recip_time t)
{
	if (t == TIME_NONE)
		return json_null();
	char text[16];
	recip_date_format(text, sizeof(text), t);
	return json_string(text);
}

json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *jreal(double v)
{
	double r = round(v * 10000.0) / 10000.0;
	if (r == 0)
		r = 0; /* no "-0" in output */
	if (r == floor(r) && fabs(r) < 1e15)
		return json_integer((json_int_t)r);
	return json_real(r);
}
