/** Numbers the SSA voided after they were printed in advertisements. */
const VOIDED = new Set(['078051120', '219099999']);

/**
 * US Social Security number structure (area-group-serial, 9 digits): area 001-899 except 666,
 * group 01-99, serial 0001-9999. There is no checksum, hence the stricter context in the detector.
 */
export function isValidSsn(nineDigits: string): boolean {
  if (!/^\d{9}$/.test(nineDigits) || VOIDED.has(nineDigits)) return false;
  const area = Number(nineDigits.slice(0, 3));
  const group = Number(nineDigits.slice(3, 5));
  const serial = Number(nineDigits.slice(5));
  return area > 0 && area !== 666 && area < 900 && group > 0 && serial > 0;
}
