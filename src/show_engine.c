/* show_engine.c — the engine's parts of `recip show`: trust, and for a partner the value given vs received and the project ladder. */
#include "cli.h"

void print_show_engine(cli *c, json_t *doc);
void print_partner_value(cli *c, json_t *value);

void print_show_engine(cli *c, json_t *doc)
{
	json_t *t = json_object_get(doc, "trust");
	if (json_is_object(t))
		fprintf(c->out, "trust %s = %g (credibility + reliability + intimacy) / self-orientation\n",
		        jtext(t, "equation"), json_number_value(json_object_get(t, "trust")));
	json_t *p = json_object_get(doc, "partner");
	if (!json_is_object(p))
		return;
	fputc('\n', c->out);
	cli_heading(c, "partner");
	json_t *score = json_object_get(p, "score");
	if (json_is_integer(score))
		fprintf(c->out, "  fits us %lld/100 (recip fit for the reasons)\n", (long long)json_integer_value(score));
	fputs("  ", c->out);
	print_partner_value(c, json_object_get(p, "value"));
	size_t i;
	json_t *pr;
	json_array_foreach(json_object_get(p, "projects"), i, pr)
	{
		char day[16];
		fprintf(c->out, "  project #%lld %s, %s: %s (since %s)%s\n",
		        (long long)json_integer_value(json_object_get(pr, "id")), jtext(pr, "size"), jtext(pr, "status"),
		        jtext(pr, "name"), jday(pr, "at", day, sizeof(day)),
		        json_is_true(json_object_get(pr, "forced")) ? ", forced past start small" : "");
	}
	fprintf(c->out, "  next: a %s project\n", jtext(p, "next_size"));
}
