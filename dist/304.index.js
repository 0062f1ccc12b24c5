export const id = 304;
export const ids = [304];
export const modules = {

/***/ 3304:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   failRun: () => (/* binding */ failRun)
/* harmony export */ });
/* unused harmony export workspacePath */
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4813);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _config_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7827);
/* harmony import */ var _outcome_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4671);
/**
 * Ends a failed run as GitHub and the calling workflow see it: the `failure-reason` output (one word a workflow can
 * branch on, src/outcome.ts), the message as the error annotation, and the exit code: 2 for drift, 1 otherwise.
 * A configuration error becomes one annotation per problem, with the file (relative to the workspace) and the line,
 * so that GitHub shows each on the pull request's diff where it is.
 */




/** A path as GitHub's annotations want it: relative to the workspace (as given when it leads outside). */
function workspacePath(file, workspace = process.env.GITHUB_WORKSPACE || process.cwd()) {
    const rel = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(workspace), (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(file));
    return rel && !rel.startsWith('..') && !(0,node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute)(rel) ? rel.split('\\').join('/') : file;
}
function failRun(e) {
    const reason = (0,_outcome_js__WEBPACK_IMPORTED_MODULE_3__/* .failureReasonOf */ .M3)(e);
    try {
        _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('failure-reason', reason);
    }
    catch (output) {
        // GITHUB_OUTPUT names a file that is not there: the reason still reaches the log, and the run still fails.
        _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(`failure-reason ${reason} could not be set as an output: ${(0,_outcome_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(output)}`);
    }
    if (e instanceof _outcome_js__WEBPACK_IMPORTED_MODULE_3__/* .DriftDetected */ .M0) {
        _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(e.message, { title: 'Drift detected' });
        process.exitCode = _outcome_js__WEBPACK_IMPORTED_MODULE_3__/* .DRIFT_EXIT_CODE */ .Fz;
        return;
    }
    if (e instanceof _config_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigError */ .x && e.problems.length > 0) {
        const file = workspacePath(e.file);
        for (const p of e.problems) {
            _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(`${p.field}: ${p.message}${p.fix ? `. Fix: ${p.fix}` : ''}`, {
                title: `${p.field} (karpenter-action)`,
                file,
                ...(p.line ? { startLine: p.line } : {}),
            });
        }
        const n = e.problems.length;
        _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(`${file}: ${n} problem${n === 1 ? '' : 's'} in the configuration (failure-reason ${reason})`);
        process.exitCode = 1;
        return;
    }
    _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1((0,_outcome_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(e));
}


/***/ })

};
