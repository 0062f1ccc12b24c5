export const id = 304;
export const ids = [304];
export const modules = {

/***/ 3304:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   failRun: () => (/* binding */ failRun)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7264);
/* harmony import */ var _outcome_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4671);
/**
 * Ends a failed run as GitHub and the calling workflow see it: the `failure-reason` output (one word a workflow can
 * branch on, src/outcome.ts), the message as the error annotation, and the exit code: 2 for drift, 1 otherwise.
 */


function failRun(e) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('failure-reason', (0,_outcome_js__WEBPACK_IMPORTED_MODULE_1__/* .failureReasonOf */ .M3)(e));
    if (e instanceof _outcome_js__WEBPACK_IMPORTED_MODULE_1__/* .DriftDetected */ .M0) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(e.message, { title: 'Drift detected' });
        process.exitCode = _outcome_js__WEBPACK_IMPORTED_MODULE_1__/* .DRIFT_EXIT_CODE */ .Fz;
        return;
    }
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1((0,_outcome_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(e));
}


/***/ })

};
