// Why an evaluator gets no pair, said the same way on the voting page and the campaign page.
// null: nothing stops them (a pair may still be missing because every one is judged).
export function votingStopped(status: string, done: number, quota: number | null): { title: string; text: string } | null {
	if (status === 'paused')
		return { title: 'This campaign is paused', text: 'A lead paused it; pairs are handed out again when it resumes.' };
	if (status === 'draft') return { title: 'This campaign has not started', text: 'Pairs are handed out once a lead activates it.' };
	if (status === 'closed') return { title: 'This campaign is closed', text: 'Its votes are final; nothing more is judged.' };
	if (quota !== null && done >= quota)
		return { title: 'You have reached your quota', text: `You judged ${done} of ${quota} pairs. Thank you!` };
	return null;
}
