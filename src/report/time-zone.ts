/**
 * Times in the reader's time zone (or --tz): validation, formatting, and axis
 * ticks that fall on round local times (d3's UTC ticks computed on wall-clock
 * time, then mapped back to instants), so a chart read in Berlin or Tokyo
 * shows 21:58:00, not 20:58:00 shifted.
 */
import { scaleUtc } from 'd3-scale';
import { UsageError } from '../errors.js';

/** The zone this process runs in (TZ, else the system's). */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

/** The zone as given when Intl knows it (ICU would turn Asia/Kolkata into Asia/Calcutta), or a UsageError (exit 2). */
export function checkTimeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw new UsageError(`unknown time zone "${zone}"`, 'use an IANA name such as UTC, Europe/Berlin or America/New_York');
  }
}

export class ZonedTime {
  private readonly parts: Intl.DateTimeFormat;
  private readonly offsetCache = new Map<number, number>();

  constructor(readonly zone: string) {
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
  }

  /** Offset of the zone from UTC at instant `t` (ms; +3_600_000 for UTC+1). */
  offsetMs(t: number): number {
    const minute = Math.floor(t / 60_000);
    const cached = this.offsetCache.get(minute);
    if (cached !== undefined) return cached;
    const p: Record<string, number> = {};
    for (const part of this.parts.formatToParts(new Date(minute * 60_000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    const offset = wall - minute * 60_000;
    if (this.offsetCache.size > 10_000) this.offsetCache.clear();
    this.offsetCache.set(minute, offset);
    return offset;
  }

  /** e.g. "UTC+01:00". */
  offsetLabel(t: number): string {
    const off = this.offsetMs(t) / 60_000;
    const sign = off < 0 ? '-' : '+';
    const a = Math.abs(off);
    return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  }

  /** "2026-11-30 21:58:03.120" in the zone. */
  format(t: number, withMs = false): string {
    const w = new Date(t + this.offsetMs(t)).toISOString();
    return `${w.slice(0, 10)} ${w.slice(11, withMs ? 23 : 19)}`;
  }

  /** "UTC" for UTC, else e.g. "Europe/Berlin, UTC+01:00" (the offset at `t`). */
  describe(t: number): string {
    return this.offsetMs(t) === 0 && /^(Etc\/)?(UTC|GMT|Universal|Zulu)$/i.test(this.zone) ? 'UTC' : `${this.zone}, ${this.offsetLabel(t)}`;
  }

  /**
   * About `count` ticks between the instants `from` and `to`, on round local
   * times, and a label for each: the time, with the date where the day
   * changes (the axis title says the first day).
   */
  ticks(from: number, to: number, count: number): { readonly ticks: Date[]; readonly label: (d: Date) => string } {
    const wallFrom = from + this.offsetMs(from);
    const wallTo = to + this.offsetMs(to);
    const walls = scaleUtc().domain([wallFrom, wallTo]).ticks(count).map((d) => d.getTime());
    const step = walls.length > 1 ? walls[1]! - walls[0]! : 60_000;
    // A wall time back to its instant (twice: the offset may differ on either side of a change).
    const ticks = walls.map((w) => new Date(w - this.offsetMs(w - this.offsetMs(w))));
    const label = (d: Date): string => {
      const t = d.getTime();
      const w = new Date(t + this.offsetMs(t)).toISOString();
      const time = step % 60_000 === 0 ? w.slice(11, 16) : step % 1_000 === 0 ? w.slice(11, 19) : w.slice(11, 23);
      const day = w.slice(0, 10);
      const prev = t - step;
      const dayChanged = new Date(prev + this.offsetMs(prev)).toISOString().slice(0, 10) !== day;
      if (step >= 86_400_000) return day;
      return dayChanged && t !== ticks[0]?.getTime() ? `${day.slice(5)} ${time}` : time;
    };
    return { ticks, label };
  }
}
