import { UnavailableError } from "@second-brain/contracts";

/**
 * The embedding provider could not give vectors (it refused, timed out, or kept failing after
 * retries). A 503 to callers: the request had no effect and may be tried again later.
 */
export class EmbeddingUnavailableError extends UnavailableError {
  /** HTTP status of the provider's last answer; undefined for timeouts and connection failures. */
  readonly upstreamStatus: number | undefined;
  readonly attempts: number;

  constructor(message: string, upstreamStatus: number | undefined, attempts: number, cause: unknown) {
    super(message);
    this.upstreamStatus = upstreamStatus;
    this.attempts = attempts;
    this.cause = cause;
  }
}
