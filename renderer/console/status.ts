// window.__IOC_WALL_CONSOLE__: what the console knows and last did, for end-to-end tests and an operator with the devtools open.
import type { ClientRole } from '../../common/contract/roles.ts';
import type { BrokerStatus } from './api.ts';
import type { CameraState, GatewayStatus } from './camera-state.ts';
import type { CameraViewModel } from './camera-view.ts';
import type { IdentifyOutcome } from './identify-outcome.ts';
import type { EventsConnection } from './scene-events.ts';
import type { TelemetryViewModel } from './telemetry-view.ts';

export interface ConsoleStatus {
  /** Who is signed in and as what; null while nobody is (the login form is shown). */
  signedIn: { actor: string; role: ClientRole } | null;
  /** The signed-in actor again (as before roles), absent while nobody is. */
  actor?: string;
  /** What the login form says about the last failed sign-in (English), null when nothing failed. */
  loginError: string | null;
  activeScene?: string;
  version?: number;
  /** The last answer to a command from this page: the switch outcome, or the error body. */
  lastResult?: unknown;
  /** The last error this page showed, as text. */
  lastError?: string;
  /** The last identify request from this page: pending, the server's answer (screens, until), or why it failed. */
  identify?: IdentifyOutcome;
  events: EventsConnection;
  /** What the Telemetry section shows: `live` once a telemetry state arrived, `unavailable` on a server without it (404). */
  telemetry: TelemetryViewModel['kind'];
  /** The ids of the stale series, as listed (oldest first); empty while there is no telemetry. */
  staleSeries: string[];
  brokers: { id: string; state: BrokerStatus['state'] }[];
  /** What the Camera section shows: `live` once a cameras state arrived, `unavailable` on a server without it (404). */
  camerasView: CameraViewModel['kind'];
  /** Every camera of the latest cameras state, in the server's order; empty while there is none. */
  cameras: { id: string; state: CameraState }[];
  /** The media gateway as the latest cameras state says; `unavailable` while there is none (loading, an older server, an error). */
  cameraGateway: GatewayStatus;
}

declare global {
  interface Window {
    __IOC_WALL_CONSOLE__?: ConsoleStatus;
  }
}

export function publishStatus(status: ConsoleStatus): void {
  window.__IOC_WALL_CONSOLE__ = { ...status };
}
