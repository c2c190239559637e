/*
 * demo.c — the demonstration data set: three small businesses' worth of
 * relationships, written through the same calls as any other write, so its
 * roll-ups and audit trail are real. Everything is placed relative to the
 * "as of" day and drawn from a fixed-seed generator: the same day gives the
 * same data, byte for byte.
 *
 *  - Café Lumen: ~40 regulars with six months of visits on their own days
 *    and hours, their regular orders and tables, birthdays, a few treats
 *    on the house, newcomers, regulars who stopped coming, referrals,
 *    reviews and NPS answers, and one who comes every other day.
 *  - Wren Advisory (a consultant): 15 clients in 4 firms, with favours both
 *    ways, introductions, asks (open, granted, declined), promises kept on
 *    time, late, broken and due soon.
 *  - Keystone Builders: 8 partner firms with what they offer and whom they
 *    serve, referrals both ways and projects that started small.
 */
#include "entity.h"
#include "db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct demo {
	recip_ctx *ctx;
	int64_t today;        /* day number of as_of */
	uint64_t rng;
	int rc;               /* the first error; every step after it is skipped */
} demo;

/* splitmix64: small, fast, and the same everywhere */
static uint64_t next(demo *d)
{
	uint64_t z = (d->rng += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static int pick(demo *d, int n)
{
	return (int)(next(d) % (uint64_t)n);
}

static bool chance(demo *d, int percent)
{
	return pick(d, 100) < percent;
}

/* "YYYY-MM-DDTHH:MM" for `days_ago` days before as_of at hh:mm. */
static const char *when(char *out, size_t size, demo *d, int days_ago, int hh, int mm)
{
	recip_time t = (d->today - days_ago) * RECIP_DAY + hh * 3600 + mm * 60;
	recip_time_format(out, size, t);
	return out;
}

/* Adds a record from name/value pairs ending with NULL; returns its id. */
static int64_t add(demo *d, const char *entity, ...)
{
	if (d->rc)
		return 0;
	recip_field fields[32];
	size_t n = 0;
	va_list ap;
	va_start(ap, entity);
	const char *name;
	while ((name = va_arg(ap, const char *)) && n < 32) {
		const char *text = va_arg(ap, const char *);
		recip_change_op op = RECIP_SET;
		/* "+role" adds to a multi-valued field */
		if (name[0] == '+') {
			op = RECIP_ADD;
			name++;
		}
		if (text)
			fields[n++] = (recip_field){name, text, op, NULL};
	}
	va_end(ap);
	int64_t id = 0;
	d->rc = recip_record_add(d->ctx, &id, entity, fields, n);
	return id;
}

static const char *idtext(char *out, size_t size, int64_t id)
{
	snprintf(out, size, "%lld", (long long)id);
	return out;
}

static void fact(demo *d, int64_t party, const char *key, const char *text)
{
	if (!d->rc)
		d->rc = recip_fact_remember(d->ctx, party, key, text);
}

/* An ask made `ago` days before as_of and, unless open, resolved
 * `resolved_ago` days before it — through recip_ask_resolve, so that a
 * granted ask records its exchange. An ask of ours goes through the
 * give-first gate and is kept as forced where the gate said not yet. */
static int64_t ask(demo *d, int64_t party, const char *direction, const char *what, int ago, const char *status,
                   int resolved_ago, const char *note)
{
	char t[32], pid[24];
	int64_t id = add(d, "ask", "party", idtext(pid, sizeof(pid), party), "direction", direction, "what", what, "at",
	                 when(t, sizeof(t), d, ago, 16, 0), "forced", !strcmp(direction, "ours") ? "yes" : NULL, "note",
	                 note, NULL);
	if (!d->rc && strcmp(status, "open"))
		d->rc = recip_ask_resolve(d->ctx, NULL, id, status, (d->today - resolved_ago) * RECIP_DAY + 17 * 3600, NULL);
	return id;
}

/* A birthday `days_ahead` days after as_of, in a plausible year. */
static const char *birthday_in(char *out, size_t size, demo *d, int days_ahead, int year)
{
	int y, m, dd;
	recip_time_to_civil((d->today + days_ahead) * RECIP_DAY, &y, &m, &dd, NULL, NULL, NULL, NULL);
	if (m == 2 && dd == 29)
		dd = 28;
	snprintf(out, size, "%04d-%02d-%02d", year, m, dd);
	return out;
}

/* ---- Café Lumen ---------------------------------------------------------------- */

typedef struct regular {
	const char *name;
	const char *order;
	const char *table;     /* or NULL */
	const char *other_key, *other_value;
	int days;              /* weekdays bit mask, bit 0 = Monday */
	int hour, minute;
	int loyalty;           /* percent chance of coming on one of their days */
	int since;             /* first visit, days before as_of */
	int until;             /* last possible visit, days before as_of (0: still coming) */
	int birthday_ahead;    /* birthday this many days after as_of (-1: not known) */
} regular;

#define WEEKDAYS 0x1f
#define WEEKEND 0x60
#define MON 0x01
#define TUE 0x02
#define WED 0x04
#define THU 0x08
#define FRI 0x10
#define SAT 0x20
#define SUN 0x40

static const regular regulars[] = {
	{"Ana Lopez", "flat white, oat milk", "the window seat", "dog", "Bruno, a beagle", WEEKDAYS, 8, 10, 85, 182, 0, 3},
	{"Ben Okafor", "double espresso", NULL, "works at", "the library across the road", MON | WED | FRI, 7, 40, 90, 182, 0, -1},
	{"Chloé Martin", "chai latte, extra cinnamon", "table 7", "kids", "Léa and Hugo", TUE | THU | SAT, 9, 30, 80, 170, 0, 12},
	{"Dmitri Volkov", "americano, splash of cold milk", NULL, "reads", "the FT, every morning", WEEKDAYS, 7, 15, 75, 182, 0, -1},
	{"Eleni Papadopoulou", "cappuccino, extra hot", "the corner by the fireplace", NULL, NULL, SAT | SUN, 10, 0, 90, 160, 0, 40},
	{"Farah Haddad", "green tea and a lemon tart", NULL, "studying", "nursing, final year", MON | TUE | THU, 15, 30, 70, 150, 0, -1},
	{"Gustav Lindqvist", "cortado", "the bar", NULL, NULL, WEEKDAYS, 12, 15, 60, 182, 0, 5},
	{"Hana Suzuki", "matcha latte", "table 3", "allergy", "nuts", WED | FRI | SAT, 11, 0, 85, 140, 0, -1},
	{"Ibrahim Diallo", "flat white", NULL, "team", "supports Arsenal", MON | THU, 8, 30, 90, 182, 0, 80},
	{"Julia Novak", "oat latte and a cinnamon bun", "table 5", NULL, NULL, TUE | SAT, 10, 30, 80, 120, 0, -1},
	{"Kofi Mensah", "long black", NULL, "runs", "the bike shop on Elm Street", WEEKDAYS, 7, 0, 70, 182, 0, 25},
	{"Lucía Fernández", "café con leche", "the window seat", "kids", "Mateo", MON | WED | FRI, 9, 15, 85, 182, 0, -1},
	{"Marek Kowalski", "espresso macchiato", NULL, NULL, NULL, TUE | THU, 13, 0, 75, 100, 0, -1},
	{"Nadia Rahman", "iced latte, even in winter", "table 2", "celebrating", "a new job at the clinic", WEEKDAYS, 16, 0, 60, 90, 0, 9},
	{"Oscar Pettersen", "hot chocolate with cream", NULL, "grandchildren", "visits on Sundays with Elsa", SUN, 11, 0, 90, 182, 0, -1},
	{"Priya Nair", "masala chai", "table 4", NULL, NULL, MON | WED, 15, 0, 85, 182, 0, 60},
	{"Quentin Dubois", "double espresso, no sugar", NULL, "works on", "a novel, at the bar", TUE | WED | THU, 10, 0, 80, 182, 0, -1},
	{"Rosa Bianchi", "cappuccino", "the corner by the fireplace", NULL, NULL, FRI | SAT, 9, 0, 85, 182, 0, 2},
	{"Samuel Adeyemi", "flat white, extra shot", NULL, NULL, NULL, WEEKDAYS, 8, 0, 65, 182, 0, -1},
	{"Tomasz Wiśniewski", "americano", NULL, "dog", "Luna", SAT | SUN, 9, 30, 80, 182, 0, -1},
	{"Uma Patel", "soy latte", "table 6", NULL, NULL, MON | THU, 12, 30, 80, 182, 0, 100},
	{"Victor Moreau", "espresso", NULL, NULL, NULL, WEEKDAYS, 7, 45, 80, 182, 0, -1},
	{"Wen Li", "oolong tea", "table 1", "learning", "Spanish", TUE | FRI, 14, 0, 75, 182, 0, -1},
	{"Ximena Torres", "mocha", NULL, NULL, NULL, WED | SAT, 16, 30, 70, 182, 0, 18},
	{"Yusuf Kaya", "Turkish coffee, medium sweet", NULL, "family", "runs the bakery supplier", MON | FRI, 10, 0, 85, 182, 0, -1},
	{"Zoe Campbell", "flat white, oat milk", "the window seat", NULL, NULL, WEEKDAYS, 8, 45, 55, 182, 0, -1},
	{"Aiko Tanaka", "hojicha latte", NULL, NULL, NULL, THU | SAT, 11, 30, 80, 150, 0, -1},
	{"Bruno Costa", "galão", NULL, "plays", "in a jazz trio on Fridays", FRI, 17, 0, 90, 182, 0, -1},
	{"Carmen Ruiz", "cortado and a croissant", "table 8", NULL, NULL, WEEKDAYS, 9, 45, 60, 182, 0, 33},
	/* regulars who stopped coming */
	{"Daniel Weber", "cappuccino", "table 3", "moved to", "a new office across town, maybe", WEEKDAYS, 8, 20, 85, 182, 40, -1},
	{"Emma Johansson", "latte", NULL, NULL, NULL, TUE | THU, 10, 30, 90, 182, 30, -1},
	{"Felix Schneider", "flat white", NULL, "kids", "twins, starting school", MON | WED | FRI, 8, 50, 80, 150, 35, -1},
	/* newcomers */
	{"Grace Kim", "vanilla latte", NULL, NULL, NULL, WEEKDAYS, 9, 10, 100, 2, 0, -1},
	{"Hugo Almeida", "espresso", NULL, NULL, NULL, WEEKDAYS, 8, 0, 100, 4, 0, -1},
	{"Isla MacLeod", "chai latte", NULL, NULL, NULL, SAT | SUN, 10, 15, 100, 6, 0, -1},
	{"Jonas Berg", "americano", NULL, NULL, NULL, WEEKDAYS, 12, 0, 60, 25, 0, -1},
	{"Kira Ivanova", "flat white", "table 7", NULL, NULL, TUE | THU | SAT, 9, 0, 80, 45, 0, 7},
	{"Liam O'Connor", "Irish coffee, on Fridays only", NULL, NULL, NULL, FRI, 17, 30, 85, 120, 0, -1},
	{"Mia Schulz", "babyccino for Leo and a latte", NULL, "kids", "Leo, three", WED | SAT, 10, 0, 80, 100, 0, -1},
	{"Noah Levi", "cold brew", NULL, NULL, NULL, WEEKDAYS, 14, 30, 50, 80, 0, -1},
};

#define N_REGULARS (sizeof(regulars) / sizeof(regulars[0]))

static void cafe(demo *d, int64_t *ids)
{
	char t[32], t2[32], b[16], pid[24], rid[24];
	for (size_t i = 0; i < N_REGULARS && !d->rc; i++) {
		const regular *r = &regulars[i];
		char *email = NULL;
		buf e = BUF_INIT;
		/* an address from the name: "Ana Lopez" → ana.lopez@example.com */
		for (const char *p = r->name; *p; p++) {
			unsigned char ch = (unsigned char)*p;
			if (ch == ' ')
				buf_addc(&e, '.');
			else if (ch < 0x80 && ch != '\'')
				buf_addc(&e, (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
		}
		buf_adds(&e, "@example.com");
		email = buf_detach(&e);
		ids[i] = add(d, "party", "kind", "person", "name", r->name, "+role", "customer", "+tag", "cafe", "+email",
		             i % 3 == 0 ? email : NULL, "birthday",
		             r->birthday_ahead >= 0 ? birthday_in(b, sizeof(b), d, r->birthday_ahead, 1970 + (int)(i * 7 % 35))
		                                    : NULL,
		             NULL);
		free(email);
		if (d->rc)
			return;
		fact(d, ids[i], "regular order", r->order);
		if (r->table)
			fact(d, ids[i], "favourite table", r->table);
		if (r->other_key)
			fact(d, ids[i], r->other_key, r->other_value);
		idtext(pid, sizeof(pid), ids[i]);
		/* visits on their days, at about their hour, until they stopped */
		for (int ago = r->since; ago >= 1 && !d->rc; ago--) {
			if (r->until && ago < r->until)
				break;
			int weekday;
			recip_time_to_civil((d->today - ago) * RECIP_DAY, NULL, NULL, NULL, NULL, NULL, NULL, &weekday);
			bool first = ago == r->since;
			if (!first && (!(r->days & (1 << weekday)) || !chance(d, r->loyalty)))
				continue;
			int minute = r->minute + pick(d, 21) - 10;
			int hour = r->hour + (minute < 0 ? -1 : minute >= 60 ? 1 : 0);
			minute = (minute + 60) % 60;
			char amount[16];
			snprintf(amount, sizeof(amount), "%d.%02d", 3 + pick(d, 6), pick(d, 4) * 25);
			add(d, "visit", "party", pid, "at", when(t, sizeof(t), d, ago, hour, minute), "amount", amount, NULL);
		}
	}
	if (d->rc)
		return;
	/* treats on the house: personal and unexpected gives */
	static const struct {
		int who, ago;
		const char *kind, *note;
		bool personal, unexpected;
	} treats[] = {
		{0, 20, "treat", "a croissant with her flat white, on the house", true, true},
		{2, 45, "treat", "hot chocolates for Léa and Hugo", true, true},
		{4, 12, "treat", "her cappuccino on the house after the rain", false, true},
		{8, 60, "gift", "a signed match programme", true, true},
		{11, 9, "discount", "loyalty card filled", false, false},
		{14, 30, "treat", "a slice of cake for Elsa", true, true},
		{17, 15, "treat", "a free refill while she waited", false, true},
		{6, 5, "treat", "a cortado on the house", false, false},
		{28, 70, "treat", "a croissant to try", false, true},
	};
	for (size_t i = 0; i < sizeof(treats) / sizeof(treats[0]) && !d->rc; i++)
		add(d, "exchange", "party", idtext(pid, sizeof(pid), ids[treats[i].who]), "direction", "gave", "kind",
		    treats[i].kind, "personal", treats[i].personal ? "yes" : "no", "unexpected",
		    treats[i].unexpected ? "yes" : "no", "at", when(t, sizeof(t), d, treats[i].ago, 9, 0), "note",
		    treats[i].note, NULL);
	/* what regulars did for us */
	add(d, "exchange", "party", idtext(pid, sizeof(pid), ids[10]), "direction", "received", "kind", "help", "at",
	    when(t, sizeof(t), d, 50, 16, 0), "note", "fixed the delivery bike for free", NULL);
	add(d, "exchange", "party", idtext(pid, sizeof(pid), ids[24]), "direction", "received", "kind", "discount", "at",
	    when(t, sizeof(t), d, 14, 11, 0), "note", "a better price on the morning bread", "value", "4", NULL);
	/* referrals: a chain three deep (Ana → Zoe → Grace) and a few more */
	static const struct {
		int referrer, referred, ago;
		const char *status;
	} refs[] = {
		{0, 25, 150, "converted"}, {25, 32, 3, "converted"}, {2, 36, 46, "converted"},
		{8, 35, 26, "converted"},  {0, 38, 101, "converted"}, {11, 33, 5, "lead"},
	};
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]) && !d->rc; i++) {
		/* converted at the first visit, or the same day when they came before */
		int since = regulars[refs[i].referred].since;
		int converted_ago = since < refs[i].ago ? since : refs[i].ago;
		bool lead = !strcmp(refs[i].status, "lead");
		add(d, "referral", "referrer", idtext(rid, sizeof(rid), ids[refs[i].referrer]), "party",
		    idtext(pid, sizeof(pid), ids[refs[i].referred]), "status", refs[i].status, "at",
		    when(t, sizeof(t), d, refs[i].ago, 12, 0), "resolved_at",
		    lead ? NULL : when(t2, sizeof(t2), d, converted_ago, 18, 0), NULL);
	}
	/* our ask for a review, which his review answers (the ask is granted) */
	ask(d, ids[14], "ours", "review", 11, "open", 0, NULL);
	/* reviews and NPS answers */
	static const struct {
		int who, ago, rating;
		const char *platform;
	} reviews[] = {
		{0, 90, 5, "google"}, {2, 40, 5, "google"}, {4, 100, 4, "tripadvisor"}, {8, 55, 5, "google"},
		{12, 20, 3, "yelp"},  {14, 10, 5, "google"},
	};
	for (size_t i = 0; i < sizeof(reviews) / sizeof(reviews[0]) && !d->rc; i++) {
		char rating[4];
		snprintf(rating, sizeof(rating), "%d", reviews[i].rating);
		add(d, "review", "party", idtext(pid, sizeof(pid), ids[reviews[i].who]), "platform", reviews[i].platform,
		    "rating", rating, "at", when(t, sizeof(t), d, reviews[i].ago, 18, 0), NULL);
	}
	static const struct {
		int who, ago, score;
		const char *comment;
	} answers[] = {
		{0, 30, 10, "the best flat white in town"}, {1, 30, 9, NULL}, {2, 28, 10, "they know my kids' names"},
		{3, 27, 8, NULL}, {4, 25, 9, NULL}, {5, 25, 7, "a bit loud at lunchtime"}, {6, 24, 6, "slow service on Mondays"},
		{8, 20, 10, NULL}, {9, 19, 8, NULL}, {12, 18, 3, "my order was wrong twice"}, {14, 15, 9, NULL},
		{16, 14, 7, NULL}, {17, 12, 10, NULL}, {19, 10, 5, "prices went up"}, {20, 8, 9, NULL}, {0, 120, 8, NULL},
		/* an earlier round, for the trend: some changed their mind since */
		{1, 75, 9, NULL}, {3, 70, 6, "the new cups are too small"}, {5, 66, 8, NULL}, {9, 62, 10, NULL},
		{11, 60, 9, "Mateo loves the babyccinos"}, {13, 58, 4, "waited 20 minutes for a latte"}, {15, 55, 9, NULL},
		{18, 50, 7, NULL}, {21, 48, 6, NULL}, {24, 45, 10, "the only place that does it properly"},
	};
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]) && !d->rc; i++) {
		char score[4];
		snprintf(score, sizeof(score), "%d", answers[i].score);
		add(d, "nps", "party", idtext(pid, sizeof(pid), ids[answers[i].who]), "score", score, "at",
		    when(t, sizeof(t), d, answers[i].ago, 19, 0), "comment", answers[i].comment, NULL);
	}
	/* one detractor followed up; the others still wait */
	if (!d->rc)
		d->rc = recip_nps_follow_up(d->ctx, NULL, ids[6], (d->today - 22) * RECIP_DAY + 10 * 3600);
	/* an ask for a review still open */
	ask(d, ids[17], "ours", "review", 8, "open", 0, "mentioned the Google page");
	add(d, "touch", "party", idtext(pid, sizeof(pid), ids[29]), "channel", "message", "at",
	    when(t, sizeof(t), d, 20, 15, 0), "note", "asked if everything was all right — no answer yet", NULL);
	/* a regular who comes every other day whatever the weekday: her 25th
	 * visit was yesterday, an n-th visit to celebrate on any as-of day */
	int64_t sofia = add(d, "party", "kind", "person", "name", "Sofia Rinaldi", "+role", "customer", "+tag", "cafe",
	                    NULL);
	fact(d, sofia, "regular order", "piccolo and an almond biscotti");
	fact(d, sofia, "works at", "the bookshop two doors down");
	idtext(pid, sizeof(pid), sofia);
	for (int ago = 49; ago >= 1 && !d->rc; ago -= 2)
		add(d, "visit", "party", pid, "at", when(t, sizeof(t), d, ago, 13, 5), "amount", "4.50", NULL);
}

/* ---- Wren Advisory -------------------------------------------------------------- */

static void advisory(demo *d)
{
	char t[32], t2[32], pid[24];
	static const struct {
		const char *name, *role;
	} firms[] = {
		{"Harbor Logistics", "client"}, {"Meridian Health", "client"}, {"Alder & Finch LLP", "client"},
		{"Northwind Energy", "prospect"},
	};
	int64_t firm_ids[4];
	for (size_t i = 0; i < 4; i++)
		firm_ids[i] = add(d, "party", "kind", "organisation", "name", firms[i].name, "+role", firms[i].role, "+tag",
		                  "advisory", NULL);
	/* Alder & Finch was founded thirty years ago, six days from now */
	char founded[16];
	if (!d->rc) {
		recip_field f = {"anniversary", birthday_in(founded, sizeof(founded), d, 6, 1996), RECIP_SET, NULL};
		d->rc = recip_record_update(d->ctx, "party", firm_ids[2], &f, 1);
	}
	static const struct {
		const char *name, *title, *email, *phone;
		int firm;
		const char *cadence;
		const char *fk, *fv;
		int birthday_ahead;
		const char *credibility;
	} people[] = {
		{"Tom Reed", "Chief Financial Officer", "tom.reed@harborlogistics.example", "+1 415 555 0101", 0, NULL,
		 "kids", "Ana and Tom junior", 21, "8"},
		{"Sara Ng", "Head of Operations", "sara.ng@harborlogistics.example", "+1 415 555 0102", 0, "2w", "interest",
		 "sailing, races on weekends", -1, "7"},
		{"Peter Hall", "Procurement Lead", "p.hall@harborlogistics.example", NULL, 0, NULL, NULL, NULL, -1, NULL},
		{"Marta Silva", "Warehouse Director", "marta.silva@harborlogistics.example", NULL, 0, NULL, "favourite",
		 "Portuguese custard tarts", -1, NULL},
		{"Dr. Amira Hassan", "Medical Director", "a.hassan@meridianhealth.example", "+1 415 555 0201", 1, NULL,
		 "interest", "marathon running", 4, "9"},
		{"James Whitfield", "Chief Executive", "jwhitfield@meridianhealth.example", NULL, 1, "3w", "team",
		 "Golden State Warriors", -1, "6"},
		{"Nina Petrova", "Finance Manager", "nina.petrova@meridianhealth.example", NULL, 1, NULL, NULL, NULL, -1, NULL},
		{"Leo Grant", "IT Director", "leo.grant@meridianhealth.example", NULL, 1, NULL, "hobby",
		 "restores old motorbikes", -1, NULL},
		{"Catherine Alder", "Managing Partner", "calder@alderfinch.example", "+1 415 555 0301", 2, NULL, "hobby",
		 "orchids", 55, "8"},
		{"Robert Finch", "Partner", "rfinch@alderfinch.example", NULL, 2, NULL, NULL, NULL, -1, NULL},
		{"Olivia Chen", "Senior Associate", "ochen@alderfinch.example", NULL, 2, NULL, "studying",
		 "for the bar in another state", -1, NULL},
		{"Hassan Karimi", "Office Manager", "hkarimi@alderfinch.example", NULL, 2, NULL, NULL, NULL, -1, NULL},
		{"Elena Rossi", "VP Strategy", "elena.rossi@northwind.example", "+1 415 555 0401", 3, "2w", "interest",
		 "renewables policy", -1, NULL},
		{"George Adams", "Chief Operating Officer", "george.adams@northwind.example", NULL, 3, NULL, NULL, NULL, -1,
		 NULL},
		{"Fatima Zahra", "Sustainability Lead", "fatima.zahra@northwind.example", NULL, 3, NULL, "kids",
		 "a daughter, Yasmin", -1, NULL},
	};
	int64_t ids[15];
	char b[16];
	for (size_t i = 0; i < 15 && !d->rc; i++) {
		ids[i] = add(d, "party", "kind", "person", "name", people[i].name, "org",
		             idtext(pid, sizeof(pid), firm_ids[people[i].firm]), "title", people[i].title, "+role",
		             people[i].firm == 3 ? "prospect" : "client", "+tag", "advisory", "+email", people[i].email,
		             "+phone", people[i].phone, "cadence", people[i].cadence, "credibility", people[i].credibility,
		             "birthday",
		             people[i].birthday_ahead >= 0 ? birthday_in(b, sizeof(b), d, people[i].birthday_ahead, 1975)
		                                           : NULL,
		             NULL);
		if (people[i].fk)
			fact(d, ids[i], people[i].fk, people[i].fv);
	}
	if (d->rc)
		return;
	/* meetings and calls, a steady rhythm with some gaps */
	static const struct {
		int who, ago;
		const char *channel, *purpose, *note;
	} touches[] = {
		{0, 70, "meeting", "checkin", "quarterly review"}, {0, 12, "call", "checkin", "how the depot move went"},
		{1, 40, "email", "checkin", "sent the sailing photos"}, {1, 18, "call", "need", "asked for the volume figures"},
		{2, 95, "meeting", "checkin", NULL}, {4, 60, "meeting", "checkin", "strategy offsite"},
		{4, 22, "call", "checkin", NULL}, {5, 50, "email", "need", "chased the signed scope"},
		{5, 35, "call", "need", "asked for an introduction to the board"}, {6, 75, "email", "checkin", NULL},
		{8, 45, "meeting", "checkin", "lunch"}, {8, 6, "call", "checkin", "congratulated her on the award"},
		{9, 110, "meeting", "checkin", NULL}, {12, 33, "meeting", "checkin", "first workshop"},
		{12, 9, "email", "need", "asked for the tender documents"}, {13, 80, "call", "checkin", NULL},
		{7, 130, "call", "checkin", NULL}, {10, 65, "email", "checkin", "good luck for the exam"},
	};
	for (size_t i = 0; i < sizeof(touches) / sizeof(touches[0]) && !d->rc; i++)
		add(d, "touch", "party", idtext(pid, sizeof(pid), ids[touches[i].who]), "channel", touches[i].channel,
		    "purpose", touches[i].purpose, "at", when(t, sizeof(t), d, touches[i].ago, 10, 0), "note",
		    touches[i].note, NULL);
	/* exchanges both ways */
	static const struct {
		int who, ago;
		const char *direction, *kind, *note;
		bool personal, unexpected;
	} exchanges[] = {
		{0, 65, "gave", "introduction", "to our auditor, for the depot financing", true, false},
		{0, 40, "gave", "advice", "a second look at the lease terms", false, false},
		{1, 39, "gave", "gift", "a book on the Volvo Ocean Race", true, true},
		{4, 58, "gave", "advice", "benchmark of clinic scheduling", false, false},
		{4, 20, "gave", "gift", "a running-club membership for the half marathon", true, true},
		{5, 48, "received", "favour", "moved our workshop at short notice", false, false},
		{8, 44, "gave", "hospitality", "lunch at the orchid show", true, false},
		{8, 7, "received", "introduction", "to the bar association's committee", true, false},
		{9, 100, "received", "advice", "on our engagement letter", false, false},
		{12, 30, "gave", "advice", "a short note on grid incentives", false, false},
		{13, 79, "received", "favour", "a site visit at the wind farm", false, false},
		{3, 55, "gave", "gift", "a box of custard tarts for the team", true, true},
		{7, 128, "gave", "introduction", "to a classic-bike restorer", true, true},
		{2, 90, "received", "discount", "paid our invoice early", false, false},
	};
	for (size_t i = 0; i < sizeof(exchanges) / sizeof(exchanges[0]) && !d->rc; i++)
		add(d, "exchange", "party", idtext(pid, sizeof(pid), ids[exchanges[i].who]), "direction",
		    exchanges[i].direction, "kind", exchanges[i].kind, "personal", exchanges[i].personal ? "yes" : "no",
		    "unexpected", exchanges[i].unexpected ? "yes" : "no", "at",
		    when(t, sizeof(t), d, exchanges[i].ago, 14, 0), "note", exchanges[i].note, NULL);
	/* asks: granted, declined, open; one of ours right after a give (transactional) */
	static const struct {
		int who, ago, resolved_ago;
		const char *direction, *what, *status, *note;
	} asks[] = {
		{0, 35, 30, "ours", "referral", "granted", "to anyone in healthcare — he recommended us to Meridian's CEO"},
		{4, 15, -1, "ours", "introduction", "open", "to the board chair"},
		{5, 46, 44, "ours", "favour", "declined", "a testimonial for the website"},
		{5, 33, -1, "ours", "introduction", "open", "to the regional director"},
		{8, 40, 38, "theirs", "advice", "granted", "how to price a retainer"},
		{6, 20, -1, "theirs", "introduction", "open", "to a payroll provider"},
		{12, 8, -1, "ours", "referral", "open", "to the utilities panel"},
	};
	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]) && !d->rc; i++)
		ask(d, ids[asks[i].who], asks[i].direction, asks[i].what, asks[i].ago, asks[i].status, asks[i].resolved_ago,
		    asks[i].note);
	/* promises: kept on time, kept late, broken, open and due soon, overdue */
	static const struct {
		int who, made_ago, due_ago, resolved_ago;
		const char *what, *status;
	} promises[] = {
		{0, 68, 60, 61, "send the depot financing model", "kept"},
		{0, 12, -3, 0, "share the lease checklist", "open"},
		{4, 58, 50, 44, "draft the scheduling benchmark", "kept"},
		{5, 48, 40, 41, "introduce a board adviser", "kept"},
		{5, 30, 20, 16, "send the revised scope", "kept"},
		{8, 44, 30, 0, "recommend a practice-management tool", "broken"},
		{9, 100, 90, 91, "review the engagement letter template", "kept"},
		{12, 30, -1, 0, "send the grid incentives summary", "open"},
		{1, 18, 4, 0, "return the signed NDA", "open"},
	};
	for (size_t i = 0; i < sizeof(promises) / sizeof(promises[0]) && !d->rc; i++) {
		bool open = !strcmp(promises[i].status, "open");
		char due[16];
		recip_date_format(due, sizeof(due), (d->today - promises[i].due_ago) * RECIP_DAY);
		add(d, "promise", "party", idtext(pid, sizeof(pid), ids[promises[i].who]), "what", promises[i].what, "at",
		    when(t, sizeof(t), d, promises[i].made_ago, 17, 0), "due", due, "status", promises[i].status,
		    "resolved_at", open ? NULL : when(t2, sizeof(t2), d, promises[i].resolved_ago, 17, 0), NULL);
	}
	/* a transactional pattern: a give, an ask three days later, twice */
	add(d, "exchange", "party", idtext(pid, sizeof(pid), ids[6]), "direction", "gave", "kind", "gift", "at",
	    when(t, sizeof(t), d, 90, 12, 0), "note", "a bottle of wine", NULL);
	ask(d, ids[6], "ours", "referral", 87, "declined", 80, NULL);
	add(d, "exchange", "party", idtext(pid, sizeof(pid), ids[6]), "direction", "gave", "kind", "hospitality", "at",
	    when(t, sizeof(t), d, 28, 12, 0), "note", "tickets to the game", NULL);
	ask(d, ids[6], "ours", "favour", 25, "declined", 22, NULL);
	/* referrals between firms: a chain across three of them (Tom at Harbor
	 * sent Meridian's CEO, who sent Northwind's sustainability lead), not
	 * thanked yet; and a practice Catherine sent us that came to nothing */
	static const struct {
		const char *referrer, *referred, *kind, *role;
		int ago, resolved_ago;
		const char *status, *note;
	} referrals[] = {
		{"Tom Reed", "James Whitfield", NULL, NULL, 30, 24, "converted", "recommended us to Meridian's CEO"},
		{"James Whitfield", "Fatima Zahra", NULL, NULL, 12, -1, "lead", "wants help with their ESG report"},
		{"Catherine Alder", "Pacific Dental Group", "organisation", "prospect", 85, 60, "lost",
		 "a dental chain looking at a merger"},
	};
	for (size_t i = 0; i < sizeof(referrals) / sizeof(referrals[0]) && !d->rc; i++) {
		recip_referral_spec spec = {referrals[i].referrer, referrals[i].referred, false, referrals[i].kind,
		                            referrals[i].role, when(t, sizeof(t), d, referrals[i].ago, 13, 0),
		                            referrals[i].note};
		int64_t id = 0;
		d->rc = recip_referral_add(d->ctx, &id, NULL, &spec);
		if (!d->rc && strcmp(referrals[i].status, "lead"))
			d->rc = recip_referral_resolve(d->ctx, id, referrals[i].status,
			                               (d->today - referrals[i].resolved_ago) * RECIP_DAY + 17 * 3600,
			                               !strcmp(referrals[i].status, "converted") ? "client" : NULL);
	}
	/* NPS answers of the clients */
	static const struct {
		int who, ago, score;
		const char *comment;
	} answers[] = {
		{0, 20, 9, NULL}, {4, 18, 10, "the scheduling benchmark paid for itself"}, {5, 15, 7, NULL},
		{8, 40, 10, NULL}, {1, 16, 6, "response times slipped in October"},
	};
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]) && !d->rc; i++) {
		char score[4];
		snprintf(score, sizeof(score), "%d", answers[i].score);
		add(d, "nps", "party", idtext(pid, sizeof(pid), ids[answers[i].who]), "score", score, "at",
		    when(t, sizeof(t), d, answers[i].ago, 9, 0), "comment", answers[i].comment, NULL);
	}
}

/* ---- Keystone Builders ----------------------------------------------------------- */

static void builders(demo *d)
{
	char t[32], t2[32], pid[24];
	static const struct {
		const char *name, *offer1, *offer2, *serves1, *serves2, *fk, *fv, *email;
	} partners[] = {
		{"Brightline Electrical", "electrical", "ev chargers", "homeowners", "small offices", "owner",
		 "Dev, ex-navy, loves fishing", "office@brightline.example"},
		{"Clearwater Plumbing", "plumbing", "heating", "homeowners", "landlords", "owner", "Maggie, two teenagers",
		 "hello@clearwater.example"},
		{"Studio Oak Architects", "architecture", "planning permission", "homeowners", "developers", "favourite",
		 "single-origin coffee", "studio@oak.example"},
		{"Summit Roofing", "roofing", "gutters", "homeowners", NULL, NULL, NULL, "jobs@summitroofing.example"},
		{"Tessellate Tiling", "tiling", "bathrooms", "homeowners", NULL, "interest", "mosaics from Lisbon",
		 "tessellate@example.com"},
		{"Greenway Landscapes", "landscaping", "garden design", "homeowners", "schools", NULL, NULL,
		 "hi@greenway.example"},
		{"Fresh Coat Painters", "painting", "decorating", "landlords", "homeowners", NULL, NULL,
		 "paint@freshcoat.example"},
		{"Ironbridge Supplies", "building materials", "tool hire", "builders", NULL, NULL, NULL,
		 "trade@ironbridge.example"},
	};
	int64_t ids[8];
	for (size_t i = 0; i < 8 && !d->rc; i++) {
		ids[i] = add(d, "party", "kind", "organisation", "name", partners[i].name, "+role",
		             i == 7 ? "supplier" : "partner", "+tag", "builders", "+offer", partners[i].offer1, "+offer",
		             partners[i].offer2, "+serves", partners[i].serves1, "+serves", partners[i].serves2, "+email",
		             partners[i].email, NULL);
		if (partners[i].fk)
			fact(d, ids[i], partners[i].fk, partners[i].fv);
	}
	if (d->rc)
		return;
	static const struct {
		int who, ago;
		const char *direction, *kind, *note;
		bool personal;
	} exchanges[] = {
		{0, 120, "gave", "referral", "the Patel kitchen rewiring", false},
		{0, 60, "received", "referral", "a loft conversion in Elm Park", false},
		{0, 21, "gave", "gift", "a fly-fishing book for Dev", true},
		{1, 90, "received", "referral", "the Harris bathroom", false},
		{1, 70, "received", "favour", "an emergency call-out on a Sunday", false},
		{1, 40, "received", "referral", "two flats for a landlord", false},
		{2, 100, "gave", "referral", "an extension needing drawings", false},
		{2, 50, "received", "referral", "a barn conversion", false},
		{2, 10, "gave", "gift", "a bag of single-origin beans", true},
		{3, 80, "gave", "referral", "a roof repair after the storm", false},
		{4, 45, "gave", "referral", "a wet room", false},
		{4, 44, "received", "discount", "trade price on Lisbon tiles", false},
		{5, 150, "received", "referral", "a school playground", false},
		{7, 30, "received", "discount", "10% off the scaffold hire", false},
		{6, 100, "gave", "advice", "how to quote for listed buildings", false},
	};
	for (size_t i = 0; i < sizeof(exchanges) / sizeof(exchanges[0]) && !d->rc; i++)
		add(d, "exchange", "party", idtext(pid, sizeof(pid), ids[exchanges[i].who]), "direction",
		    exchanges[i].direction, "kind", exchanges[i].kind, "personal", exchanges[i].personal ? "yes" : "no",
		    "at", when(t, sizeof(t), d, exchanges[i].ago, 11, 0), "note", exchanges[i].note, NULL);
	static const struct {
		int who, ago, ended_ago;
		const char *name, *size, *status;
	} projects[] = {
		{0, 110, 95, "Patel kitchen rewiring", "small", "succeeded"},
		{0, 50, -1, "Elm Park loft conversion", "medium", "open"},
		{1, 85, 70, "Harris bathroom", "small", "succeeded"},
		{2, 45, -1, "Barn conversion at Mill Lane", "large", "open"},
		{3, 75, 60, "Storm repairs, Oak Road", "small", "failed"},
		{4, 40, 30, "Wet room, Chestnut Close", "small", "succeeded"},
	};
	for (size_t i = 0; i < sizeof(projects) / sizeof(projects[0]) && !d->rc; i++) {
		bool open = !strcmp(projects[i].status, "open");
		add(d, "project", "party", idtext(pid, sizeof(pid), ids[projects[i].who]), "name", projects[i].name, "size",
		    projects[i].size, "status", projects[i].status, "at", when(t, sizeof(t), d, projects[i].ago, 8, 0),
		    "ended_at", open ? NULL : when(t2, sizeof(t2), d, projects[i].ended_ago, 17, 0), "forced",
		    !strcmp(projects[i].size, "large") ? "yes" : NULL, NULL);
	}
	static const struct {
		int who, ago;
		const char *channel, *purpose;
	} touches[] = {
		{0, 20, "call", "checkin"}, {1, 35, "meeting", "checkin"}, {2, 9, "meeting", "checkin"},
		{3, 58, "call", "need"},    {4, 28, "message", "checkin"}, {5, 100, "call", "checkin"},
		{6, 90, "email", "need"},   {7, 15, "call", "need"},
	};
	for (size_t i = 0; i < sizeof(touches) / sizeof(touches[0]) && !d->rc; i++)
		add(d, "touch", "party", idtext(pid, sizeof(pid), ids[touches[i].who]), "channel", touches[i].channel,
		    "purpose", touches[i].purpose, "at", when(t, sizeof(t), d, touches[i].ago, 15, 0), NULL);
	ask(d, ids[1], "theirs", "referral", 6, "open", 0, "anyone needing a new boiler before winter");
	add(d, "promise", "party", idtext(pid, sizeof(pid), ids[2]), "what", "send photos of the finished extension",
	    "at", when(t, sizeof(t), d, 9, 16, 0), "due", when(t2, sizeof(t2), d, -2, 23, 59), NULL);
}

int recip_demo_create(recip_ctx *ctx, recip_time as_of)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	/* the demo's own "now" is its as-of day, so that it is reproducible */
	recip_time saved_now = ctx->now;
	char *saved_actor = xstrdup(ctx->actor);
	ctx->now = as_of;
	rc = recip_ctx_set_actor(ctx, "demo");
	demo d = {.ctx = ctx, .today = day_of(as_of), .rng = 20261123u, .rc = rc};
	int64_t cafe_ids[N_REGULARS];
	cafe(&d, cafe_ids);
	advisory(&d);
	builders(&d);
	ctx->now = saved_now;
	if (saved_actor) {
		recip_ctx_set_actor(ctx, saved_actor);
		free(saved_actor);
	}
	return tx_end(ctx, d.rc);
}
