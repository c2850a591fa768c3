/**
 * The shared Chinese text rules: dates, times, weekdays, numerals, and the one-line cleaner.
 * Fixed instants; the zone is the programme's, whatever the machine's TZ.
 */
import { projectNumeral } from '../../src/domain/digest/format';
import { oneLine } from '../../src/domain/one-line';
import {
  dueDateZh,
  formatDateZh,
  formatMonthDayZh,
  monthDayWeekdayZh,
  weekdayZh,
  weekLabelZh,
} from '../../src/domain/zh/dates';
import { dateOfZh, dateTimeZh, shortDateTimeZh, timeZh } from '../../src/domain/zh/times';
import { bracketNumeralZh, numeralZh } from '../../src/domain/zh/numerals';

const TZ = 'Asia/Shanghai';

describe('Chinese dates, times and weekdays', () => {
  it('writes dates without leading zeros, with and without the year', () => {
    expect(formatDateZh('2021-03-05')).toBe('2021年3月5日');
    expect(formatMonthDayZh('2021-03-05')).toBe('3月5日');
    expect(weekLabelZh('2021-03-15')).toBe('2021年3月15日当周');
  });

  it('names every weekday 星期一 … 星期日', () => {
    const week = ['15', '16', '17', '18', '19', '20', '21'].map((d) => weekdayZh(`2021-03-${d}`));
    expect(week).toEqual(['星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日']);
    expect(monthDayWeekdayZh('2021-03-15')).toBe('3月15日（星期一）');
  });

  it('reads instants in the programme zone, not the machine zone', () => {
    // 2021-03-15 16:30 UTC is already Tuesday 00:30 in Shanghai.
    const at = new Date('2021-03-15T16:30:00Z');
    expect(dateTimeZh(at, TZ)).toBe('2021年3月16日（星期二）00:30');
    expect(timeZh(at, TZ)).toBe('00:30');
    expect(dateOfZh(at, TZ)).toBe('2021年3月16日');
  });

  it('leaves the year out of a short date and time only within the reference year', () => {
    const at = new Date('2021-03-15T02:02:00Z');
    expect(shortDateTimeZh(at, TZ, '2021')).toBe('3月15日 10:02');
    expect(shortDateTimeZh(at, TZ, '2020')).toBe('2021年3月15日 10:02');
  });

  it('writes a due date with its year only when a reader of the week would take another year', () => {
    expect(dueDateZh('2021-03-25', '2021-03-15')).toBe('3月25日');
    // On a December sheet, 1月15日 is read as next January: no year needed.
    expect(dueDateZh('2022-01-15', '2021-12-20')).toBe('1月15日');
    // On an October sheet, 2月25日 would be read as next February: the year is written.
    expect(dueDateZh('2021-02-25', '2021-10-04')).toBe('2021年2月25日');
  });
});

describe('Chinese numerals', () => {
  it('counts formally, 二十 and on included', () => {
    const cases: Array<[number, string]> = [
      [1, '一'],
      [9, '九'],
      [10, '十'],
      [11, '十一'],
      [19, '十九'],
      [20, '二十'],
      [21, '二十一'],
      [35, '三十五'],
      [99, '九十九'],
      [100, '一百'],
      [101, '一百零一'],
      [110, '一百一十'],
      [1000, '一千'],
      [2001, '二千零一'],
      [1010, '一千零一十'],
    ];
    expect(cases.map(([n]) => numeralZh(n))).toEqual(cases.map(([, zh]) => zh));
  });

  it('falls back to Arabic outside 1–9999 and for fractions', () => {
    expect([0, -3, 10000, 2.5].map(numeralZh)).toEqual(['0', '-3', '10000', '2.5']);
  });

  it('brackets a numbered part: （一） … （二十）', () => {
    expect([1, 10, 12, 20, 21].map(bracketNumeralZh)).toEqual([
      '（一）',
      '（十）',
      '（十二）',
      '（二十）',
      '（二十一）',
    ]);
  });

  it('numbers the digest’s projects the same way from 20 on (it used to print （20）)', () => {
    expect([19, 20, 21, 35].map(projectNumeral)).toEqual([
      '（十九）',
      '（二十）',
      '（二十一）',
      '（三十五）',
    ]);
  });
});

describe('the one-line cleaner', () => {
  it('turns line breaks, tabs, controls and separators into single spaces', () => {
    expect(oneLine('a\r\nBcc: x\t\u0000y\u2028w  v', 100)).toBe('a Bcc: x y w v');
  });

  it('drops invisible format characters: bidi overrides, zero-width spaces, the BOM', () => {
    expect(oneLine('清单\u202exslx.exe', 100)).toBe('清单xslx.exe');
    expect(oneLine('\ufeff问\u200b题\u2066', 100)).toBe('问题');
    expect(oneLine('  \u200b 文件.xlsx \n', 100)).toBe('文件.xlsx');
  });

  it('leaves short text untouched and caps long text at max code points, the mark included', () => {
    expect(oneLine('问题清单', 4)).toBe('问题清单');
    expect(oneLine('问题清单汇总', 4)).toBe('问题清…');
    expect(oneLine('问题清单汇总', 4, '')).toBe('问题清单');
    expect(Array.from(oneLine('x'.repeat(500), 300))).toHaveLength(300);
  });

  it('never splits a surrogate pair', () => {
    // Each 𠀀 is two UTF-16 units: a cut by unit would leave half of one.
    const text = '𠀀'.repeat(10);
    const cut = oneLine(text, 5);
    expect(cut).toBe('𠀀𠀀𠀀𠀀…');
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/u);
    expect(oneLine(`a${text}`, 4, '')).toBe('a𠀀𠀀𠀀');
  });

  it('does not end a cut text with a space before the mark', () => {
    expect(oneLine('ab cd', 4)).toBe('ab…');
  });
});
