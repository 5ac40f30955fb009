import { ErrorCode, UpdateSubcode, sessionReset } from '../../errors';

/** RFC 7606 §5.3: NLRI that cannot be parsed leave no way to treat-as-withdraw, so the session resets. */
export const invalidNlri = (message: string) =>
  sessionReset(ErrorCode.UpdateMessage, UpdateSubcode.InvalidNetworkField, message);
