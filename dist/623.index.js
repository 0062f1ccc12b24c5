export const id = 623;
export const ids = [623];
export const modules = {

/***/ 623:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M0: () => (/* binding */ DriftDetected),
/* harmony export */   Ub: () => (/* binding */ isDriftCheck),
/* harmony export */   dR: () => (/* binding */ ActionFailure),
/* harmony export */   failRun: () => (/* binding */ failRun)
/* harmony export */ });
/* unused harmony exports DRIFT_EXIT_CODE, failureReasonOf */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7264);
/* harmony import */ var _config_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7827);
/* harmony import */ var _aws_credentials_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1429);
/* harmony import */ var _inputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8422);
/**
 * How a run ends, as GitHub and the calling workflow see it: the `failure-reason` output (one word a workflow can
 * branch on), the error annotation, and the exit code. A drift found by a scheduled check exits with its own code.
 */




/** An error that knows which failure it is. */
class ActionFailure extends Error {
    reason;
    constructor(reason, message, options) {
        super(message, options);
        this.reason = reason;
        this.name = 'ActionFailure';
    }
}
/** Exit code of a drift check that found drift (any other failure exits 1). */
const DRIFT_EXIT_CODE = 2;
class DriftDetected extends ActionFailure {
    constructor(message) {
        super('drift', message);
        this.name = 'DriftDetected';
    }
}
/** A drift check: a plan that fails when it finds changes. `auto`: plans run by a `schedule` event. */
function isDriftCheck(mode, eventName, setting = 'auto') {
    if (mode !== 'plan' || setting === 'false')
        return false;
    return setting === 'true' || eventName === 'schedule';
}
/** The reason of a failure, from its type; undefined for an unexpected error. */
function failureReasonOf(e) {
    if (e instanceof ActionFailure)
        return e.reason;
    if (e instanceof _config_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .x || e instanceof _inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .d)
        return 'config';
    if (e instanceof _aws_credentials_js__WEBPACK_IMPORTED_MODULE_2__/* .CredentialsError */ .lE)
        return 'credentials';
    return undefined;
}
/**
 * Ends the run as failed: `failure-reason` output when the reason is known, the message as the error annotation,
 * exit code 2 for drift and 1 otherwise.
 */
function failRun(e) {
    const reason = failureReasonOf(e);
    if (reason)
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('failure-reason', reason);
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof DriftDetected) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(message, { title: 'Drift detected' });
        process.exitCode = DRIFT_EXIT_CODE;
        return;
    }
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1(message);
}


/***/ })

};
