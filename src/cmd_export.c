/*
 * cmd_export.c — `recip export KIND`: CSV of one kind of record, vCards,
 * the agenda as iCalendar, or the whole database as JSON; on standard
 * output or into a file that appears only once it is complete.
 */
#include "cli.h"
#include <recip/interop.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const cli_option export_options[] = {
	{"output", 'o', OPT_VALUE, "FILE", "write to FILE (default: standard output)"},
	{"party", 0, OPT_VALUE, "PARTY", "vcard: only this party"},
	{"split", 0, OPT_VALUE, "DIR", "vcard: one file per party in DIR"},
	{"days", 0, OPT_VALUE, "N", "ical: contacts due within N days after --as-of (default 30)"},
	{NULL, 0, 0, NULL, NULL},
};

/* Writes through a temporary file renamed into place at the end, so that a
 * failed export leaves no half-written file behind. */
typedef struct output {
	FILE *f;
	char *path, *tmp;
} output;

static int output_open(cli *c, output *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	buf tmp = BUF_INIT;
	buf_printf(&tmp, "%s.tmp-%ld", path, (long)getpid());
	o->tmp = buf_detach(&tmp);
	o->path = strdup(path);
	if (!o->tmp || !o->path)
		return cli_error(c, "out of memory");
	o->f = fopen(o->tmp, "wb");
	if (!o->f)
		return cli_error(c, "cannot write '%s': %s", path, strerror(errno));
	return 0;
}

/* Ends the output: on success the file takes its name; else it goes. */
static int output_close(cli *c, output *o, int rc)
{
	if (o->f == stdout || !o->f) {
		free(o->path);
		free(o->tmp);
		return rc;
	}
	if (fclose(o->f) != 0 && rc == EXIT_OK)
		rc = cli_error(c, "cannot write '%s': %s", o->path, strerror(errno));
	if (rc == EXIT_OK && rename(o->tmp, o->path) != 0)
		rc = cli_error(c, "cannot write '%s': %s", o->path, strerror(errno));
	if (rc != EXIT_OK)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	return rc;
}

/* "0012-ana-lopez.vcf" */
static char *vcard_file_name(const char *dir, int64_t id, const char *name)
{
	buf b = BUF_INIT;
	buf_printf(&b, "%s/%04lld-", dir, (long long)id);
	bool dash = false;
	size_t start = b.len;
	for (const unsigned char *p = (const unsigned char *)name; *p && b.len - start < 60; p++) {
		if (isalnum(*p) || *p >= 0x80) {
			buf_addc(&b, (char)(*p < 0x80 ? tolower(*p) : *p));
			dash = false;
		} else if (!dash) {
			buf_addc(&b, '-');
			dash = true;
		}
	}
	while (b.len > start && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	buf_adds(&b, ".vcf");
	return buf_detach(&b);
}

static int export_split(cli *c, const char *dir)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return cli_error(c, "cannot create '%s': %s", dir, strerror(errno));
	int64_t *ids;
	size_t n;
	if (recip_export_vcard_parties(c->ctx, &ids, &n) != RECIP_OK)
		return cli_fail(c);
	int rc = EXIT_OK;
	for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
		json_t *party;
		if (recip_record_get(c->ctx, &party, "party", ids[i]) != RECIP_OK) {
			rc = cli_fail(c);
			break;
		}
		char *path = vcard_file_name(dir, ids[i], jtext(party, "name"));
		json_decref(party);
		if (!path) {
			rc = cli_error(c, "out of memory");
			break;
		}
		output o;
		rc = output_open(c, &o, path);
		if (rc == EXIT_OK) {
			recip_sink sink;
			recip_sink_stdio(&sink, o.f);
			if (recip_export_vcard(c->ctx, ids[i], &sink) != RECIP_OK)
				rc = cli_fail(c);
		}
		rc = output_close(c, &o, rc);
		free(path);
	}
	free(ids);
	if (rc == EXIT_OK && !c->json)
		fprintf(stderr, "recip: wrote %zu vCards into '%s'\n", n, dir);
	return rc;
}

static int run_export(cli *c)
{
	const char *kind = c->argv[0];
	const char *split = cli_value(c, "split"), *party_ref = cli_value(c, "party"), *days_text = cli_value(c, "days");
	bool vcard = !strcasecmp(kind, "vcard") || !strcasecmp(kind, "vcards");
	bool ical = !strcasecmp(kind, "ical") || !strcasecmp(kind, "icalendar");
	if ((split || party_ref) && !vcard)
		return cli_usage_error(c, "--party and --split are for vcard exports");
	if (days_text && !ical)
		return cli_usage_error(c, "--days is for ical exports");
	if (split && (party_ref || cli_value(c, "output")))
		return cli_usage_error(c, "--split writes one file per party: no --party or --output with it");
	if (split)
		return export_split(c, split);
	int days = 30;
	if (days_text && recip_duration_parse(c->ctx, &days, days_text) != RECIP_OK)
		return cli_fail(c);
	int64_t party = 0;
	if (party_ref && cli_party(c, party_ref, &party))
		return EXIT_FAIL;
	output o;
	int rc = output_open(c, &o, cli_value(c, "output"));
	if (rc)
		return output_close(c, &o, rc);
	recip_sink sink;
	recip_sink_stdio(&sink, o.f);
	int lib;
	if (!strcasecmp(kind, "json"))
		lib = recip_export_json(c->ctx, &sink);
	else if (ical)
		lib = recip_export_ical(c->ctx, c->as_of, days, c->now, &sink);
	else if (vcard)
		lib = recip_export_vcard(c->ctx, party, &sink);
	else
		lib = recip_export_csv(c->ctx, kind, &sink);
	if (lib != RECIP_OK)
		rc = cli_fail(c);
	else if (o.f == stdout && fflush(stdout) != 0)
		rc = cli_error(c, "cannot write the output: %s", strerror(errno));
	return output_close(c, &o, rc);
}

const cli_command cmd_export = {
	.name = "export",
	.run = run_export,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Interop",
	.args = "KIND",
	.min_args = 1,
	.max_args = 1,
	.summary = "export records as CSV, parties as vCards, the agenda as iCalendar, or everything as JSON",
	.description =
		"KIND is the kind of record to write as CSV (parties, exchanges, touches, visits, asks, promises, "
		"referrals, reviews, nps, projects, facts), which 'recip import' reads back; 'vcard' for vCard 4.0 (all "
		"parties, one with --party, or one file each with --split DIR); 'ical' for the agenda ahead as "
		"iCalendar (birthdays and anniversaries, promises, contacts due), with UIDs that stay the same so a "
		"calendar updates instead of duplicating; 'json' for the whole database, which 'recip restore' reads "
		"back (docs/export-format.md).",
	.options = export_options,
	.examples = "recip export parties -o parties.csv\n"
	            "recip export vcard --split contacts/\n"
	            "recip export ical --days 14 -o agenda.ics\n"
	            "recip export json -o recip-backup.json",
};
