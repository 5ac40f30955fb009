/** DI tokens for the plain classes the Nest layer wraps. */
export const CONFIG_SERVICE = Symbol('ConfigService');
export const AUTH_SERVICE = Symbol('AuthService');
export const ACTIONS = Symbol('Actions');
export const EVENT_LOG = Symbol('EventLog');
