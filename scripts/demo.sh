#!/usr/bin/env bash
# The main job on a synthetic cooperative: keys → synth → prepare (each member) → ingest → link.
# Every step is the real `culturecoop` command a member or the cooperative would run.
set -euo pipefail
out="${1:-demo}"
patrons="${DEMO_PATRONS:-20000}"
cc=".venv/bin/culturecoop"
py=".venv/bin/python"

rm -rf "$out"
mkdir -p "$out/packages"
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "1. Keys (the cooperative creates them once; members receive linkage.secret and campaign.public)"
$cc keys init --dir "$out/keys"

step "2. A synthetic cooperative of six Québec members ($patrons people), each export in its vendor's style"
$cc synth --out "$out/exports" --patrons "$patrons" --seed 42

step "3. prepare: on each member's machine, the export becomes a package with no clear-text personal data"
"$py" -c 'import json,sys; [print(m["member_id"], m["profile"], m["file"], m["kind"], m["region"], m["name"], sep="\t") for m in json.load(open(sys.argv[1]))]' \
  "$out/exports/members.json" |
while IFS=$'\t' read -r member profile file kind region name; do
  $cc prepare "$out/exports/$file" --member "$member" --profile "$profile" \
    --name "$name" --kind "$kind" --region "$region" \
    --keys "$out/keys" --out "$out/packages/$member" --rejects "$out/rejects/$member.csv"
done

step "4. ingest: at the cooperative, each package is verified and loaded in one transaction"
$cc ingest "$out"/packages/* --db "$out/coop.duckdb"

step "5. link: the same people across members, from encodings only; then a first pooled report"
$cc link --db "$out/coop.duckdb"
$cc report elsewhere --db "$out/coop.duckdb" --member jazz-dieze

step "5b. Recommendations: each member's announced programme, then the model (the Target audience tab)"
for programme in "$out"/exports/programme/*.csv; do
  $cc reco programme "$programme" --db "$out/coop.duckdb" --member "$(basename "$programme" .csv)"
done
$cc reco train --db "$out/coop.duckdb"

# Campaigns (issue 13): one campaign to an SMTP server on loopback that writes every message
# into a mail folder, then a later package with a planted response, and the measured lift.
step "5c. A campaign: audience → message in French and English → SMTP on loopback ($out/mail) → a later package → the lift"
smtp_port="${DEMO_SMTP_PORT:-8025}"
mkdir -p "$out/campaign"
"$py" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$out/mail" &
smtp_pid=$!
trap 'kill $smtp_pid 2>/dev/null || true' EXIT
campaign_member="${DEMO_CAMPAIGN_MEMBER:-billets-boreal}"
audience=$($cc audiences create --db "$out/coop.duckdb" --member "$campaign_member" --lapsed 1 --name "Public de l'année" --json |
  "$py" -c 'import json,sys; print(json.load(sys.stdin)["audience_id"])')
printf 'Bonjour,\n\nLa nouvelle saison de {member_name} commence : réservez vos places dès maintenant.\nBillets : {link}\n\nÀ bientôt !\n' > "$out/campaign/corps-fr.txt"
printf 'Hello,\n\nThe new season of {member_name} begins: book your seats now.\nTickets: {link}\n\nSee you soon!\n' > "$out/campaign/body-en.txt"
campaign=$($cc campaigns create --db "$out/coop.duckdb" --member "$campaign_member" --audience "$audience" \
  --subject-fr "La nouvelle saison de {member_name}" --subject-en "The new season of {member_name}" \
  --body-fr "$out/campaign/corps-fr.txt" --body-en "$out/campaign/body-en.txt" --link "https://billets.example.org/saison" \
  --holdout 0.3 --conversion member --json | "$py" -c 'import json,sys; d=json.load(sys.stdin); print(d["campaign_id"]); print(d["recipients_shown"], "recipients,", d["holdout_shown"], "in the holdout", file=sys.stderr)')
$cc campaigns send "$campaign" --db "$out/coop.duckdb" --keys "$out/keys" --smtp "127.0.0.1:$smtp_port" --rate 0
kill $smtp_pid 2>/dev/null || true
printf 'Messages written to %s/mail/new: %s\n' "$out" "$(ls "$out/mail/new" | wc -l)" >&2
$cc campaigns synth-response "$campaign" --db "$out/coop.duckdb" --out "$out/packages/response-$campaign" \
  --base 0.08 --slope 0.3 --lift 0.06 --seed 1
$cc ingest "$out/packages/response-$campaign" --db "$out/coop.duckdb"
$cc campaigns results "$campaign" --db "$out/coop.duckdb"

# The dashboard (issue 5): a demo admin and one demo account per member, then the server.
# DEMO_SERVE=0 creates the accounts and ends without starting the server (non-interactive runs).
step "6. The dashboard: demo accounts, then the server (DEMO_SERVE=0 skips the server)"
port="${DEMO_PORT:-8000}"
CULTURECOOP_DEMO_PASSWORD="${DEMO_PASSWORD:-demo-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')}"
export CULTURECOOP_DEMO_PASSWORD
$cc users add admin@demo.coop --db "$out/coop.duckdb" --role coop_admin --name "Demo admin" \
  --password-env CULTURECOOP_DEMO_PASSWORD
members=$("$py" -c 'import json,sys; print(" ".join(m["member_id"] for m in json.load(open(sys.argv[1]))))' "$out/exports/members.json")
for member in $members; do
  $cc users add "$member@demo.coop" --db "$out/coop.duckdb" --role member_admin --member "$member" \
    --name "Demo $member" --password-env CULTURECOOP_DEMO_PASSWORD
done
{
  printf '\nDashboard: http://127.0.0.1:%s/   (API documentation: http://127.0.0.1:%s/docs)\n' "$port" "$port"
  printf 'Password of every demo account: %s\n' "$CULTURECOOP_DEMO_PASSWORD"
  printf '  %-34s %s\n' "admin@demo.coop" "cooperative admin"
  for member in $members; do printf '  %-34s %s\n' "$member@demo.coop" "member admin of $member"; done
} >&2
step "7. Done"
cat >&2 <<MSG
Where the data went:
  $out/keys/            key files (mode 0600): never commit or e-mail them
  $out/exports/         the six members' raw exports (personal data: they stay with each member)
  $out/rejects/         rows each member's prepare quarantined, with line numbers and reasons
  $out/packages/        contribution packages (Parquet + manifest.json): no clear-text personal data
  $out/coop.duckdb      the cooperative's warehouse
  $out/mail/            the campaign's messages as the SMTP server on loopback received them (Maildir)

What to run next (the dashboard below holds the warehouse while it runs: stop it with Ctrl-C first):
  .venv/bin/culturecoop schema --markdown                   the public tables and columns
  .venv/bin/python -c "import duckdb; print(duckdb.connect('$out/coop.duckdb', read_only=True).sql('SELECT member_id, count(*) tickets FROM ticket GROUP BY 1'))"
  .venv/bin/culturecoop ingest $out/packages/jazz-dieze --db $out/coop.duckdb   (again: nothing changes)
  .venv/bin/culturecoop report overview --db $out/coop.duckdb --member jazz-dieze
  .venv/bin/culturecoop report affinity --db $out/coop.duckdb --member theatre-lilas --json
  .venv/bin/culturecoop link evaluate --synth $out/exports            (linkage quality against the truth)
  .venv/bin/culturecoop audit verify --db $out/coop.duckdb            (the hash-chained audit log)
MSG

if [ "${DEMO_SERVE:-1}" != "0" ]; then
  exec $cc serve --db "$out/coop.duckdb" --keys "$out/keys" --port "$port"
fi
