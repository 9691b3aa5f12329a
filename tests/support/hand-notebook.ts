/**
 * A notebook cell over the hand-made events (`hand-events.ts`): A and C bought, so `buyers` has 2
 * members; `by_type` has 3 rows (view, cart, purchase). Five lines: what a test appends starts on
 * line 6.
 */
export const handNotebook = `--- kohort
source events = lake "events" key user_id time event_time
metric purchases = count() where event_type = "purchase"
segment buyers = purchases > 0
query by_type = from events group by event_type select n = count() order by event_type
`;
