import { readFileSync } from 'node:fs';

/** What the service answered to the measured read, captured once; the HTTP floors answer the same bytes. */
export interface CannedResponse {
  /** The path the framework floor routes (the bare server answers any path). */
  path: string;
  status: number;
  contentType: string;
  body: string;
}

export function readCannedResponse(file: string): CannedResponse {
  return JSON.parse(readFileSync(file, 'utf8')) as CannedResponse;
}
