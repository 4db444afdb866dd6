// Times as the control room reads them: the wall's own time zone (Asia/Ho_Chi_Minh), 24-hour, whatever the desk computer is set to.

export interface WallClock {
  /** The zone actually used: the wall's, or the browser's when the layout names one this browser does not know. */
  readonly timeZone: string;
  /** "14:03:22.120": a commit time, to the millisecond (screens flip on a shared instant). */
  time(epochMilliseconds: number): string;
  /** "26/11 14:03:22": an audit entry. */
  dateTime(epochMilliseconds: number): string;
}

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    ...(timeZone === undefined ? {} : { timeZone }),
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
  });
}

export function wallClock(timeZone: string | undefined): WallClock {
  let format: Intl.DateTimeFormat;
  let zoneName: string | undefined = timeZone;
  try {
    format = formatterFor(timeZone);
  } catch {
    // An unknown zone name throws RangeError: show local time rather than no time.
    format = formatterFor(undefined);
    zoneName = undefined;
  }
  const parts = (epoch: number) => {
    const found: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
    for (const part of format.formatToParts(epoch)) found[part.type] = part.value;
    return found;
  };
  return {
    // As the layout writes it: browsers may canonicalise Asia/Ho_Chi_Minh to its older alias Asia/Saigon.
    timeZone: zoneName ?? format.resolvedOptions().timeZone,
    time: (epoch) => {
      const { hour, minute, second, fractionalSecond } = parts(epoch);
      return `${hour}:${minute}:${second}.${fractionalSecond}`;
    },
    dateTime: (epoch) => {
      const { day, month, hour, minute, second } = parts(epoch);
      return `${day}/${month} ${hour}:${minute}:${second}`;
    },
  };
}
