/** The board pages' pure pieces: the week named in an address, and the reminder stages sent. */
import { stagesSent } from '../../src/app/console/reminder-stages';
import { weekParam } from '../../src/app/console/week-param';
import { exampleSchedule } from '../helpers/sheets';

describe('a week named in a console address', () => {
  it('takes a Monday as the week', () => {
    expect(weekParam('2021-03-15')).toEqual({ kind: 'week', week: '2021-03-15' });
  });

  it('sends another day of the week to its Monday, across a month end', () => {
    expect(weekParam('2021-03-21')).toEqual({ kind: 'redirect', week: '2021-03-15' });
    expect(weekParam('2021-04-01')).toEqual({ kind: 'redirect', week: '2021-03-29' });
  });

  it('refuses what is not a date', () => {
    for (const text of ['2021-02-30', '2021-3-15', 'monday', '', '2021-03-15/../x']) {
      expect(weekParam(text)).toEqual({ kind: 'invalid' });
    }
  });
});

describe('the reminder stages sent to a unit', () => {
  it('lists each stage once, in the ladder’s order, an escalation to a leader named so', async () => {
    const schedule = await exampleSchedule();
    expect(stagesSent(schedule, ['escalation', 'morning', 'escalation'])).toEqual([
      { id: 'morning', escalation: false, label: '催报（morning）' },
      { id: 'escalation', escalation: true, label: '提请领导督办（escalation）' },
    ]);
  });
});
