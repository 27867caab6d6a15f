/** A configuration value that stops start-up; its message is the one line the operator sees. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(`Invalid configuration: ${message}`);
    this.name = 'ConfigError';
  }
}
