// Short explanations the results page shows next to numbers that are easy to misread.

/** Why the online Elo column can order systems differently from the rating (Bradley–Terry). */
export const ELO_ONLINE_NOTE =
	'Elo (online) is updated vote by vote in the order the votes came in, so recent votes count more and its order can differ from the rating, which is fitted to all votes at once.';
