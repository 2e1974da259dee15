-- AUTO-GENERATED from the Kysely builders of the hot queries (src/lib/server/db/hot-query.ts): do not edit.
-- tests/integration/hot-queries.test.ts fails when a query no longer compiles to this; after an intended change:
--   HOT_QUERIES_UPDATE=1 npx vitest run tests/integration/hot-queries.test.ts
-- Each query: its SQL on SQLite (run as a prepared statement) and on PostgreSQL (run by Kysely),
-- and the parameter behind each placeholder in order (a quoted or plain value is a constant of the builder).

-- name: access.campaign-with-member
-- sqlite (user_id, slug)
select "campaign".*, "campaign_member"."role" as "member_role", "campaign_member"."quota" as "member_quota" from "campaign" left join "campaign_member" on "campaign_member"."campaign_id" = "campaign"."id" and "campaign_member"."user_id" = ? where "campaign"."slug" = ?;
-- postgres (user_id, slug)
select "campaign".*, "campaign_member"."role" as "member_role", "campaign_member"."quota" as "member_quota" from "campaign" left join "campaign_member" on "campaign_member"."campaign_id" = "campaign"."id" and "campaign_member"."user_id" = $1 where "campaign"."slug" = $2;

-- name: gold-and-repeats.open-special-leases
-- sqlite (campaign_id, user_id, now)
select * from "assignment" where "campaign_id" = ? and "user_id" = ? and "kind" <> 'normal' and "answered_at" is null and "skipped_at" is null and "expires_at" > ?;
-- postgres (campaign_id, user_id, now)
select * from "assignment" where "campaign_id" = $1 and "user_id" = $2 and "kind" <> 'normal' and "answered_at" is null and "skipped_at" is null and "expires_at" > $3;

-- name: leases.assignment
-- sqlite (id)
select "assignment".*, "vote"."choice" from "assignment" left join "vote" on "vote"."assignment_id" = "assignment"."id" where "assignment"."id" = ?;
-- postgres (id)
select "assignment".*, "vote"."choice" from "assignment" left join "vote" on "vote"."assignment_id" = "assignment"."id" where "assignment"."id" = $1;

-- name: leases.count-answered
-- sqlite (campaign_id, user_id)
select count(*) as "n" from "vote" where "campaign_id" = ? and "user_id" = ?;
-- postgres (campaign_id, user_id)
select count(*) as "n" from "vote" where "campaign_id" = $1 and "user_id" = $2;

-- name: leases.describe-images
-- sqlite (left, right)
select "image"."id", "image"."width", "image"."height", "prompt"."text" from "image" inner join "prompt" on "prompt"."id" = "image"."prompt_id" where "image"."id" in (?, ?);
-- postgres (left, right)
select "image"."id", "image"."width", "image"."height", "prompt"."text" from "image" inner join "prompt" on "prompt"."id" = "image"."prompt_id" where "image"."id" in ($1, $2);

-- name: leases.insert-assignment
-- sqlite (id, campaign_id, user_id, left_image_id, right_image_id, kind, issued_at, expires_at, answered_at, skipped_at, skip_reason, probability)
insert into "assignment" ("id", "campaign_id", "user_id", "left_image_id", "right_image_id", "kind", "issued_at", "expires_at", "answered_at", "skipped_at", "skip_reason", "probability") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
-- postgres (id, campaign_id, user_id, left_image_id, right_image_id, kind, issued_at, expires_at, answered_at, skipped_at, skip_reason, probability)
insert into "assignment" ("id", "campaign_id", "user_id", "left_image_id", "right_image_id", "kind", "issued_at", "expires_at", "answered_at", "skipped_at", "skip_reason", "probability") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: pair-stat.add-to-a_wins
-- sqlite (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad, delta)
insert into "pair_stat" ("campaign_id", "criterion", "system_a", "system_b", "a_wins", "b_wins", "ties", "both_bad") values (?, ?, ?, ?, ?, ?, ?, ?) on conflict ("campaign_id", "criterion", "system_a", "system_b") do update set "a_wins" = "pair_stat"."a_wins" + ?;
-- postgres (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad, delta)
insert into "pair_stat" ("campaign_id", "criterion", "system_a", "system_b", "a_wins", "b_wins", "ties", "both_bad") values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict ("campaign_id", "criterion", "system_a", "system_b") do update set "a_wins" = "pair_stat"."a_wins" + $9;

-- name: pair-stat.add-to-b_wins
-- sqlite (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad, delta)
insert into "pair_stat" ("campaign_id", "criterion", "system_a", "system_b", "a_wins", "b_wins", "ties", "both_bad") values (?, ?, ?, ?, ?, ?, ?, ?) on conflict ("campaign_id", "criterion", "system_a", "system_b") do update set "b_wins" = "pair_stat"."b_wins" + ?;
-- postgres (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad, delta)
insert into "pair_stat" ("campaign_id", "criterion", "system_a", "system_b", "a_wins", "b_wins", "ties", "both_bad") values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict ("campaign_id", "criterion", "system_a", "system_b") do update set "b_wins" = "pair_stat"."b_wins" + $9;

-- name: pair-stat.add-to-both_bad
-- sqlite (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad, delta)
insert into "pair_stat" ("campaign_id", "criterion", "system_a", "system_b", "a_wins", "b_wins", "ties", "both_bad") values (?, ?, ?, ?, ?, ?, ?, ?) on conflict ("campaign_id", "criterion", "system_a", "system_b") do update set "both_bad" = "pair_stat"."both_bad" + ?;
-- postgres (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad, delta)
insert into "pair_stat" ("campaign_id", "criterion", "system_a", "system_b", "a_wins", "b_wins", "ties", "both_bad") values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict ("campaign_id", "criterion", "system_a", "system_b") do update set "both_bad" = "pair_stat"."both_bad" + $9;

-- name: pair-stat.add-to-ties
-- sqlite (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad, delta)
insert into "pair_stat" ("campaign_id", "criterion", "system_a", "system_b", "a_wins", "b_wins", "ties", "both_bad") values (?, ?, ?, ?, ?, ?, ?, ?) on conflict ("campaign_id", "criterion", "system_a", "system_b") do update set "ties" = "pair_stat"."ties" + ?;
-- postgres (campaign_id, criterion, system_a, system_b, a_wins, b_wins, ties, both_bad, delta)
insert into "pair_stat" ("campaign_id", "criterion", "system_a", "system_b", "a_wins", "b_wins", "ties", "both_bad") values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict ("campaign_id", "criterion", "system_a", "system_b") do update set "ties" = "pair_stat"."ties" + $9;

-- name: quality.campaign-marks
-- sqlite (campaign_id)
select "vote_id", "side", "kind", "x", "y", "w", "h" from "vote_mark" where "campaign_id" = ?;
-- postgres (campaign_id)
select "vote_id", "side", "kind", "x", "y", "w", "h" from "vote_mark" where "campaign_id" = $1;

-- name: quality.campaign-texts
-- sqlite (campaign_id)
select "id", "user_id", "rationale" from "vote" where "campaign_id" = ? order by "submitted_at";
-- postgres (campaign_id)
select "id", "user_id", "rationale" from "vote" where "campaign_id" = $1 order by "submitted_at";

-- name: quality.campaign-vote-count
-- sqlite (campaign_id)
select count(*) as "n" from "vote" where "campaign_id" = ?;
-- postgres (campaign_id)
select count(*) as "n" from "vote" where "campaign_id" = $1;

-- name: quality.campaign-votes
-- sqlite (campaign_id)
select "id", "user_id", "left_image_id", "right_image_id", "left_system_id", "right_system_id", case "choice" when 'left' then 0 when 'right' then 1 when 'tie' then 2 when 'both_bad' then 3 end as "choice", "rationale", "active_ms", "submitted_at", case "kind" when 'normal' then 0 when 'gold' then 1 when 'repeat' then 2 end as "kind", case "status" when 'counted' then 0 when 'rejected' then 1 end as "status", "rationale_facts" from "vote" where "campaign_id" = ? order by "submitted_at";
-- postgres (campaign_id)
select "id", "user_id", "left_image_id", "right_image_id", "left_system_id", "right_system_id", case "choice" when 'left' then 0 when 'right' then 1 when 'tie' then 2 when 'both_bad' then 3 end as "choice", "rationale", "active_ms", "submitted_at", case "kind" when 'normal' then 0 when 'gold' then 1 when 'repeat' then 2 end as "kind", case "status" when 'counted' then 0 when 'rejected' then 1 end as "status", "rationale_facts" from "vote" where "campaign_id" = $1 order by "submitted_at";

-- name: quality.campaign-votes-lean
-- sqlite (campaign_id)
select "id", "user_id", "left_image_id", "right_image_id", "left_system_id", "right_system_id", case "choice" when 'left' then 0 when 'right' then 1 when 'tie' then 2 when 'both_bad' then 3 end as "choice", case when "rationale_facts" is null or ("rationale_facts" / 16777216) <> 1 or ("rationale_facts" & 3) = 3 or (("rationale_facts" & 3) = 1 and "choice" = 'right') or (("rationale_facts" & 3) = 2 and "choice" = 'left') then "rationale" end as "rationale", "active_ms", "submitted_at", case "kind" when 'normal' then 0 when 'gold' then 1 when 'repeat' then 2 end as "kind", case "status" when 'counted' then 0 when 'rejected' then 1 end as "status", "rationale_facts" from "vote" where "campaign_id" = ? order by "submitted_at";
-- postgres (campaign_id)
select "id", "user_id", "left_image_id", "right_image_id", "left_system_id", "right_system_id", case "choice" when 'left' then 0 when 'right' then 1 when 'tie' then 2 when 'both_bad' then 3 end as "choice", case when "rationale_facts" is null or ("rationale_facts" / 16777216) <> 1 or ("rationale_facts" & 3) = 3 or (("rationale_facts" & 3) = 1 and "choice" = 'right') or (("rationale_facts" & 3) = 2 and "choice" = 'left') then "rationale" end as "rationale", "active_ms", "submitted_at", case "kind" when 'normal' then 0 when 'gold' then 1 when 'repeat' then 2 end as "kind", case "status" when 'counted' then 0 when 'rejected' then 1 end as "status", "rationale_facts" from "vote" where "campaign_id" = $1 order by "submitted_at";

-- name: quality.gold-pairs
-- sqlite (campaign_id)
select "left_image_id", "right_image_id", "expected_choice" from "gold_pair" where "campaign_id" = ?;
-- postgres (campaign_id)
select "left_image_id", "right_image_id", "expected_choice" from "gold_pair" where "campaign_id" = $1;

-- name: quality.overall-pair-stats
-- sqlite (campaign_id, "overall")
select * from "pair_stat" where "campaign_id" = ? and "criterion" = ?;
-- postgres (campaign_id, "overall")
select * from "pair_stat" where "campaign_id" = $1 and "criterion" = $2;

-- name: session.delete
-- sqlite (id)
delete from "session" where "id" = ?;
-- postgres (id)
delete from "session" where "id" = $1;

-- name: session.touch
-- sqlite (now, id)
update "session" set "last_verified_at" = ? where "id" = ?;
-- postgres (now, id)
update "session" set "last_verified_at" = $1 where "id" = $2;

-- name: session.with-user
-- sqlite (id)
select "session"."id", "session"."secret_hash", "session"."created_at", "session"."last_verified_at", "user"."id" as "user_id", "user"."email", "user"."display_name", "user"."is_admin", "user"."disabled_at" from "session" inner join "user" on "user"."id" = "session"."user_id" where "session"."id" = ?;
-- postgres (id)
select "session"."id", "session"."secret_hash", "session"."created_at", "session"."last_verified_at", "user"."id" as "user_id", "user"."email", "user"."display_name", "user"."is_admin", "user"."disabled_at" from "session" inner join "user" on "user"."id" = "session"."user_id" where "session"."id" = $1;

-- name: vote.assignment
-- sqlite (id)
select "assignment".*, "l"."system_id" as "left_system_id", "r"."system_id" as "right_system_id", "l"."prompt_id" as "prompt_id" from "assignment" inner join "image" as "l" on "l"."id" = "assignment"."left_image_id" inner join "image" as "r" on "r"."id" = "assignment"."right_image_id" where "assignment"."id" = ?;
-- postgres (id)
select "assignment".*, "l"."system_id" as "left_system_id", "r"."system_id" as "right_system_id", "l"."prompt_id" as "prompt_id" from "assignment" inner join "image" as "l" on "l"."id" = "assignment"."left_image_id" inner join "image" as "r" on "r"."id" = "assignment"."right_image_id" where "assignment"."id" = $1;

-- name: vote.by-id
-- sqlite (id)
select * from "vote" where "id" = ?;
-- postgres (id)
select * from "vote" where "id" = $1;

-- name: vote.criteria
-- sqlite (campaign_id)
select "id", "key" from "criterion" where "campaign_id" = ?;
-- postgres (campaign_id)
select "id", "key" from "criterion" where "campaign_id" = $1;

-- name: vote.flag-kinds
-- sqlite (campaign_id)
select "key" from "flag_kind" where "campaign_id" = ?;
-- postgres (campaign_id)
select "key" from "flag_kind" where "campaign_id" = $1;

-- name: vote.insert
-- sqlite (id, assignment_id, campaign_id, user_id, prompt_id, left_image_id, right_image_id, left_system_id, right_system_id, kind, choice, rationale, flags, guidelines_version, shown_at, submitted_at, active_ms, status, simulated, probability, rationale_facts)
insert into "vote" ("id", "assignment_id", "campaign_id", "user_id", "prompt_id", "left_image_id", "right_image_id", "left_system_id", "right_system_id", "kind", "choice", "rationale", "flags", "guidelines_version", "shown_at", "submitted_at", "active_ms", "status", "simulated", "probability", "rationale_facts") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
-- postgres (id, assignment_id, campaign_id, user_id, prompt_id, left_image_id, right_image_id, left_system_id, right_system_id, kind, choice, rationale, flags, guidelines_version, shown_at, submitted_at, active_ms, status, simulated, probability, rationale_facts)
insert into "vote" ("id", "assignment_id", "campaign_id", "user_id", "prompt_id", "left_image_id", "right_image_id", "left_system_id", "right_system_id", "kind", "choice", "rationale", "flags", "guidelines_version", "shown_at", "submitted_at", "active_ms", "status", "simulated", "probability", "rationale_facts") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21);

-- name: vote.insert-criterion
-- sqlite (vote_id, criterion_id, choice)
insert into "vote_criterion" ("vote_id", "criterion_id", "choice") values (?, ?, ?);
-- postgres (vote_id, criterion_id, choice)
insert into "vote_criterion" ("vote_id", "criterion_id", "choice") values ($1, $2, $3);

-- name: vote.insert-mark
-- sqlite (vote_id, campaign_id, side, position, kind, x, y, w, h)
insert into "vote_mark" ("vote_id", "campaign_id", "side", "position", "kind", "x", "y", "w", "h") values (?, ?, ?, ?, ?, ?, ?, ?, ?);
-- postgres (vote_id, campaign_id, side, position, kind, x, y, w, h)
insert into "vote_mark" ("vote_id", "campaign_id", "side", "position", "kind", "x", "y", "w", "h") values ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: vote.insert-missing
-- sqlite (vote_id, campaign_id, side, element)
insert into "vote_missing" ("vote_id", "campaign_id", "side", "element") values (?, ?, ?, ?);
-- postgres (vote_id, campaign_id, side, element)
insert into "vote_missing" ("vote_id", "campaign_id", "side", "element") values ($1, $2, $3, $4);

-- name: vote.insert-tag
-- sqlite (vote_id, campaign_id, tag)
insert into "vote_tag" ("vote_id", "campaign_id", "tag") values (?, ?, ?);
-- postgres (vote_id, campaign_id, tag)
insert into "vote_tag" ("vote_id", "campaign_id", "tag") values ($1, $2, $3);

-- name: vote.mark-answered
-- sqlite (answered_at, id)
update "assignment" set "answered_at" = ? where "id" = ?;
-- postgres (answered_at, id)
update "assignment" set "answered_at" = $1 where "id" = $2;

-- name: vote.prompt-text
-- sqlite (id)
select "text" from "prompt" where "id" = ?;
-- postgres (id)
select "text" from "prompt" where "id" = $1;
