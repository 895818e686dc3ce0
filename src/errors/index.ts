export { CODES, type ErrorCode, isErrorCode } from './codes.js';
export { FlambeauError, asFlambeauError } from './flambeau-error.js';
