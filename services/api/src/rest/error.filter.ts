import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SkeinError } from '@skein/model';
import { sendError } from './http';

/** Every failure leaves through here: SkeinError keeps its status and code, anything else is a 500. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  catch(e: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (e instanceof HttpException) {
      const status = e.getStatus();
      // Nest's "Cannot <METHOD> <path>" for routes it does not have; sendError turns it into a 405 where the
      // path exists for other methods.
      const code = status === 404 ? 'NOT_FOUND' : status === 400 ? 'BAD_REQUEST' : 'INTERNAL';
      return sendError(req, res, new SkeinError(status, code, e.message));
    }
    sendError(req, res, e);
  }
}
